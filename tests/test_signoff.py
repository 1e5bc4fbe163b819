"""Clinical sign-off bound to the exact text, per language: drafts of live items, approvals, publishing, e-mails,
history, expiry and the database's own guard (issue 14)."""
import datetime
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from education import services
from education.models import Approval, Article, Status, Step, WorkflowEvent

from .factories import make_article, make_clinician, make_procedure, make_staff
from .test_workflow import change_url, editor, reviewer, signoff_url  # noqa: F401  (fixtures shared with it)
from .utils import form_data

pytestmark = pytest.mark.django_db


def edit(client, item, **changes):
    url = change_url(item)
    response = client.post(url, form_data(client.get(url).text) | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()


def approve(client, item, language, **extra):
    page = client.get(signoff_url(item)).text
    return client.post(signoff_url(item), form_data(page, form_id=f"approve-{language}") | extra, follow=True)


def publish(client, item):
    response = client.post(signoff_url(item), {"step": "publish"}, follow=True)
    item.refresh_from_db()
    return response


def assert_live_text_is_approved(item):
    """The invariant: each language in the row is exactly what its approval covers, or is empty (English shown)."""
    item.refresh_from_db()
    live = item.live_values()
    for code in ("en", "it"):
        approval = getattr(item, f"approval_{code}")
        if approval is None:
            assert not any(live[name] for name in item.language_fields(code)), code
        else:
            assert approval.digest == item.digest(code, live), code


def live_bytes(response):
    """The page as patients receive it, less the feedback form's token, which carries the second it was made."""
    return re.sub(rb'name="token" value="[^"]*"', b'name="token"', response.content)


def patient_page(client, item, language):
    from django.test import Client

    with translation.override(language):
        url = item.get_absolute_url()
    return Client().get(url)


def test_edit_after_approval_voids_that_language_and_blocks_publishing(client, reviewer, editor):
    article = make_article(status=Status.REVIEW, body_en="Take the tablets for the whole week.")
    client.force_login(reviewer)
    approve(client, article, "en")
    approve(client, article, "it")
    assert set(article.approved_languages()) == {"en", "it"}

    client.force_login(editor)
    edit(client, article, body_en="Stop your antibiotics whenever you like.")
    assert set(article.approved_languages()) == {"it"}  # Italian text and shared fields untouched
    html = client.get(change_url(article)).text
    assert "English: approval void, the text changed after version 1 was approved" in html

    client.force_login(reviewer)
    response = publish(client, article)
    assert "The English text has no approval of its current version" in response.text
    assert article.status == Status.REVIEW
    assert patient_page(client, article, "en").status_code == 404


def test_shared_field_change_voids_every_language(client, reviewer):
    from .factories import make_topic

    article = make_article(status=Status.REVIEW)
    services.approve(item=article, user=reviewer, language="en", seen=article.digest("en"))
    services.approve(item=article, user=reviewer, language="it", seen=article.digest("it"))
    services.save_changes(item=article, user=reviewer, values={"topics": [make_topic().pk]})
    assert article.approved_languages() == {}


def test_editor_edit_of_a_live_item_leaves_the_live_page_byte_for_byte(client, reviewer, editor):
    article = make_article(body_en="About a month.", body_it="Circa un mese.")
    before = {code: live_bytes(patient_page(client, article, code)) for code in ("en", "it")}

    client.force_login(editor)
    edit(client, article, body_en="Two weeks.", body_it="Due settimane.")
    assert article.body_en == "About a month."
    assert article.draft == {"body_en": "Two weeks.", "body_it": "Due settimane."}
    for code in ("en", "it"):
        assert live_bytes(patient_page(client, article, code)) == before[code]

    client.force_login(reviewer)
    approve(client, article, "en")
    for code in ("en", "it"):
        assert live_bytes(patient_page(client, article, code)) == before[code]  # approved, not yet published
    publish(client, article)
    assert "Two weeks." in patient_page(client, article, "en").text
    italian = patient_page(client, article, "it").text
    assert "Circa un mese." in italian and "Due settimane." not in italian
    assert article.draft == {"body_it": "Due settimane."}

    assert_live_text_is_approved(article)
    approve(client, article, "it")
    publish(client, article)
    assert "Due settimane." in patient_page(client, article, "it").text
    assert article.draft == {}
    assert_live_text_is_approved(article)


def test_italian_not_approved_while_english_is_serves_the_english_fallback(client, reviewer):
    article = make_article(status=Status.REVIEW, body_en="English words.", body_it="Parole non approvate.")
    client.force_login(reviewer)
    approve(client, article, "en")
    publish(client, article)
    assert article.status == Status.PUBLISHED and article.approval_it is None
    assert article.body_it == "" and article.draft["body_it"] == "Parole non approvate."
    italian = patient_page(client, article, "it")
    assert italian.status_code == 200
    assert "Parole non approvate." not in italian.text and "English words." in italian.text
    assert "non è ancora disponibile in italiano" in italian.text or "in inglese" in italian.text
    # The review line names the clinician who approved the text that is shown: the English one.
    assert "Dr Reviewer" in italian.text
    assert_live_text_is_approved(article)


def test_procedure_italian_needs_its_safety_sections(client, reviewer):
    procedure = make_procedure(status=Status.REVIEW, who_it_is_for_en="Adults with oily skin.", who_it_is_for_it="")
    with pytest.raises(Exception, match="incomplete"):
        services.approve(item=procedure, user=reviewer, language="it", seen=procedure.digest("it"))
    services.approve(item=procedure, user=reviewer, language="en", seen=procedure.digest("en"))
    assert set(procedure.approved_languages()) == {"en"}


def test_the_signer_is_the_linked_clinician_today_whatever_is_posted(client, reviewer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    other = make_clinician(name="Dr Somebody Else")
    article = make_article(status=Status.REVIEW)
    client.force_login(reviewer)
    approve(client, article, "en", clinician=other.pk, approved_on="2020-01-01", user=1)
    approval = Approval.objects.get()
    assert approval.clinician.name == "Dr Reviewer" and approval.clinician != other
    assert approval.approved_on == datetime.date(2026, 11, 1) and approval.user == reviewer


def test_approving_text_that_changed_after_it_was_shown_is_refused(client, reviewer, editor):
    article = make_article(status=Status.REVIEW)
    client.force_login(reviewer)
    page = client.get(signoff_url(article)).text
    services.save_changes(item=article, user=editor, values={"body_en": "Changed meanwhile."})
    response = client.post(signoff_url(article), form_data(page, form_id="approve-en"), follow=True)
    assert "The text changed after you opened it" in response.text
    assert not Approval.objects.exists()


def test_there_is_no_bulk_approval(client, reviewer):
    article = make_article(status=Status.REVIEW)
    client.force_login(reviewer)
    changelist = reverse("admin:education_article_changelist")
    html = client.get(changelist).text
    assert 'value="mark_reviewed"' not in html and 'value="approve' not in html
    for action in ("mark_reviewed", "approve"):
        client.post(changelist, {"action": action, "_selected_action": [article.pk]})
    # The approve step itself needs the fingerprint of one language's text, as shown on the item's page.
    client.post(signoff_url(article), {"step": "approve", "language": "en"})
    assert not Approval.objects.exists()


def test_editor_cannot_approve_or_publish_by_post(client, editor):
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    html = client.get(signoff_url(article)).text
    assert 'id="approve-en"' not in html and 'value="publish"' not in html
    response = client.post(
        signoff_url(article), {"step": "approve", "language": "en", "seen": article.digest("en")}, follow=True
    )
    assert "Your role may not take this step." in response.text
    client.post(signoff_url(article), {"step": "publish"})
    article.refresh_from_db()
    assert article.status == Status.REVIEW and not Approval.objects.exists()


def test_bulk_publish_publishes_only_approved_items(client, reviewer):
    approved, unapproved = make_article(status=Status.REVIEW), make_article(status=Status.REVIEW)
    services.approve(item=approved, user=reviewer, language="en", seen=approved.digest("en"))
    client.force_login(reviewer)
    client.post(
        reverse("admin:education_article_changelist"),
        {"action": "publish", "_selected_action": [approved.pk, unapproved.pk]},
    )
    approved.refresh_from_db()
    unapproved.refresh_from_db()
    assert approved.status == Status.PUBLISHED and unapproved.status == Status.REVIEW


def test_submit_and_return_send_emails_with_absolute_links_and_the_comment_shows(client, reviewer, editor):
    article = make_article(status=Status.DRAFT)
    client.force_login(editor)
    edit(client, article, title_en="A new title")
    client.post(signoff_url(article), {"step": "submit"})
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert [m.to for m in mail.outbox] == [["rev@clinic.invalid"]]
    assert f"http://testserver{signoff_url(article)}" in mail.outbox[0].body

    client.force_login(reviewer)
    response = client.post(signoff_url(article), {"step": "return", "comment": ""}, follow=True)
    assert "Write what should change" in response.text
    client.post(signoff_url(article), {"step": "return", "comment": "Say how long the redness lasts."})
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert mail.outbox[1].to == ["ed@clinic.invalid"]
    assert "Say how long the redness lasts." in mail.outbox[1].body
    assert f"http://testserver{signoff_url(article)}" in mail.outbox[1].body

    client.force_login(editor)
    assert "Say how long the redness lasts." in client.get(change_url(article)).text


def test_every_step_is_in_the_history_with_who_language_and_version(client, reviewer, editor):
    article = make_article(status=Status.DRAFT)
    client.force_login(editor)
    edit(client, article, body_en="Version one.")
    client.post(signoff_url(article), {"step": "submit"})
    client.force_login(reviewer)
    approve(client, article, "en")
    approve(client, article, "it")
    publish(client, article)
    client.force_login(editor)
    edit(client, article, body_en="Version two.")
    client.force_login(reviewer)
    approve(client, article, "en")
    publish(client, article)
    client.post(signoff_url(article), {"step": "unpublish"})

    steps = [
        (e.step, e.user.username, e.language, e.number)
        for e in WorkflowEvent.objects.filter(object_id=article.pk).order_by("at", "pk")
    ]
    assert steps == [
        (Step.EDITED, "ed", "", None),
        (Step.SUBMITTED, "ed", "", None),
        (Step.APPROVED, "rev", "en", 1),
        (Step.APPROVED, "rev", "it", 1),
        (Step.PUBLISHED, "rev", "en,it", None),
        (Step.EDITED, "ed", "en", None),
        (Step.APPROVED, "rev", "en", 2),
        (Step.PUBLISHED, "rev", "en,it", None),
        (Step.UNPUBLISHED, "rev", "", None),
    ]
    page = client.get(signoff_url(article) + "?from_en=1&to_en=2").text
    assert "<del>one.</del><ins>two.</ins>" in page
    assert "Approved" in page and "Returned with a comment" not in page


def test_publish_time_is_the_moment_of_publishing_unless_later(client, reviewer, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    started = make_article(status=Status.DRAFT, publish_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    later = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    scheduled = make_article(status=Status.DRAFT, publish_at=later)
    for item in (started, scheduled):
        services.approve(item=item, user=reviewer, language="en", seen=item.digest("en"))
        services.publish(item=item, user=reviewer)
    assert started.publish_at == timezone.now()
    assert scheduled.publish_at == later


def test_expiry_ends_the_page_and_its_cached_copy_at_the_boundary(client, time_machine):
    moment = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    time_machine.move_to(moment - datetime.timedelta(hours=1), tick=False)
    article = make_article(expire_at=moment)
    url = article.get_absolute_url()
    time_machine.move_to(moment - datetime.timedelta(microseconds=1), tick=False)
    assert client.get(url).status_code == 200
    assert article.title_en in client.get("/en/").text  # both now in the page cache
    time_machine.move_to(moment, tick=False)
    assert client.get(url).status_code == 404
    assert article.title_en not in client.get("/en/").text
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_a_published_row_without_an_approval_is_refused_by_the_database():
    article = make_article(status=Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)


def test_patient_page_shows_review_last_updated_and_overdue(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    article = make_article(last_reviewed=datetime.date(2026, 11, 1))
    english = patient_page(client, article, "en").text
    assert "Medically reviewed by Test dermatologist, Dermatologist, on Nov. 1, 2026." in english
    assert "Last updated Nov. 1, 2026." in english and "Next review due Nov. 1, 2027." in english
    italian = patient_page(client, article, "it").text
    assert "il 1° novembre 2026" in italian and "medico" in italian
    time_machine.move_to(datetime.datetime(2027, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    from django.core.cache import cache

    cache.clear()
    english = patient_page(client, article, "en").text
    assert "This page is due for its medical review." in english and "Next review due" not in english


def test_demo_clinician_cannot_sign_on_a_live_portal(settings, reviewer):
    reviewer.clinician.demo = True
    reviewer.clinician.save()
    article = make_article(status=Status.REVIEW)
    settings.DEBUG = False
    with pytest.raises(Exception, match="demo clinician"):
        services.approve(item=article, user=reviewer, language="en", seen=article.digest("en"))


def test_export_and_import_carry_drafts_approvals_and_comments(tmp_path, reviewer, editor):
    from django.core.management import call_command

    from .test_backup import empty_the_database

    def snapshot():
        return (
            list(Article.objects.values("pk", "draft", "body_en", "approval_en", "reviewed_by_en", "last_reviewed_en")),
            list(Approval.objects.values("kind", "object_id", "language", "number", "digest", "values",
                                         "clinician__name", "user__username", "approved_on")),
            list(WorkflowEvent.objects.values("step", "language", "number", "version", "user__username", "comment")),
        )

    article = make_article(body_en="Live text.")
    services.save_changes(item=article, user=editor, values={"body_en": "Pending text."})
    services.approve(item=article, user=reviewer, language="en", seen=article.digest("en"))
    services.return_with_comment(item=article, user=reviewer, comment="Check the dose.")
    before = snapshot()
    assert before[1] and before[2]
    call_command("export_content", str(tmp_path / "backup"), "--with-users", verbosity=0)
    empty_the_database()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    call_command("import_content", str(tmp_path / "backup"), verbosity=0)
    assert snapshot() == before
    restored = Article.objects.get(pk=article.pk)
    assert restored.draft == {"body_en": "Pending text."} and restored.body_en == "Live text."
    assert set(restored.approved_languages()) == {"en", "it"}  # English: the pending text; Italian: unchanged
    assert WorkflowEvent.objects.get(step=Step.RETURNED).comment == "Check the dose."


def test_a_risky_phrase_in_pending_changes_blocks_publishing_until_acknowledged(client, reviewer, editor):
    article = make_article()
    services.save_changes(item=article, user=editor, values={"body_en": "This treatment is guaranteed to work."})
    services.approve(item=article, user=reviewer, language="en", seen=article.digest("en"))
    with pytest.raises(Exception, match="risky phrases"):
        services.publish(item=article, user=reviewer)
    assert article.body_en != "This treatment is guaranteed to work."
    services.save_changes(item=article, user=reviewer, values={}, acknowledge=True)
    services.publish(item=article, user=reviewer)
    assert article.body_en == "This treatment is guaranteed to work."


def test_only_an_administrator_corrects_an_approval_and_only_with_a_reason(client, reviewer):
    article = make_article()
    approval = article.approval_en
    url = reverse("admin:education_approval_change", args=[approval.pk])
    client.force_login(reviewer)
    assert client.post(url, {"clinician": approval.clinician.pk, "approved_on": "2020-01-01"}).status_code == 403
    administrator = make_staff("boss", "Administrators")
    client.force_login(administrator)
    right = make_clinician(name="Dr Right")
    response = client.post(url, {"clinician": right.pk, "approved_on": "2026-01-11", "reason": ""})
    assert response.status_code == 200 and Approval.objects.get(pk=approval.pk).clinician == approval.clinician
    response = client.post(url, {"clinician": right.pk, "approved_on": "2026-01-11", "reason": "Signed on paper."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by_en == right and article.last_reviewed_en == datetime.date(2026, 1, 11)
    event = WorkflowEvent.objects.get(step=Step.CORRECTED)
    assert event.user == administrator and "Signed on paper." in event.comment and event.language == "en"


def test_staff_preview_shows_the_pending_text_and_patients_the_live_one(client, editor):
    article = make_article(body_en="Live words.")
    services.save_changes(item=article, user=editor, values={"body_en": "Pending words."})
    client.force_login(editor)
    staff_view = client.get(article.get_absolute_url())
    assert "Pending words." in staff_view.text and "Preview of pending changes." in staff_view.text
    assert "no-store" in staff_view["Cache-Control"]
    patient = patient_page(client, article, "en").text
    assert "Live words." in patient and "Pending words." not in patient


def test_browser_line_breaks_do_not_count_as_a_change(client, editor):
    article = make_article(body_en="One.\n\nTwo.")
    client.force_login(editor)
    url = change_url(article)
    client.post(url, form_data(client.get(url).text) | {"body_en": "One.\r\n\r\nTwo.\r\n\r\nThree."})
    article.refresh_from_db()
    assert article.draft == {"body_en": "One.\n\nTwo.\n\nThree."}


def test_differences_escape_the_text_and_show_only_changed_paragraphs(client, reviewer, editor):
    article = make_article(body_en="First paragraph.\n\nSecond paragraph.\n\nThird paragraph.")
    services.save_changes(
        item=article, user=editor,
        values={"body_en": "First paragraph.\n\nSecond <script>alert(1)</script> paragraph.\n\nThird paragraph."},
    )
    client.force_login(reviewer)
    page = client.get(signoff_url(article)).text
    diff = page[page.index('id="lang-en"'):page.index('id="lang-it"')]
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt; </ins>" in diff and "<script>alert" not in diff
    assert "<p>…</p>" in diff and "First paragraph." not in diff.split("The text as patients will read it")[0]


def test_italian_approved_with_new_links_waits_for_the_english_approval(reviewer, editor):
    from .factories import make_topic

    article = make_article()
    live_topics = list(article.topics.values_list("pk", flat=True))
    services.save_changes(item=article, user=editor, values={"topics": [make_topic().pk], "body_it": "Nuovo."})
    services.approve(item=article, user=reviewer, language="it", seen=article.digest("it"))
    with pytest.raises(Exception, match="nothing to publish|no approval"):
        services.publish(item=article, user=reviewer)
    article.refresh_from_db()
    assert article.body_it != "Nuovo." and list(article.topics.values_list("pk", flat=True)) == live_topics
    for code in ("en", "it"):  # the live text is still exactly what its own approval covers
        assert getattr(article, f"approval_{code}").digest == article.digest(code, article.live_values())


def test_questions_and_about_pages_name_the_reviewer(client):
    from .factories import make_faq, make_page

    make_faq(reviewed_by=make_clinician(name="Dr Answer"))
    page = make_page(reviewed_by=make_clinician(name="Dr About"))
    assert "Answer medically reviewed by Dr Answer, Dermatologist" in client.get("/en/faq/").text
    assert "Medically reviewed by Dr About, Dermatologist" in patient_page(client, page, "en").text
    with translation.override("it"):
        assert "Risposta verificata dal medico Dr Answer, Dermatologo" in client.get("/it/domande-frequenti/").text
