"""The editorial workflow: roles, transitions, scheduling, preview, history, review due and no lost edits."""
import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from education.models import Article, Status

from .factories import make_article, make_clinician, make_faq, make_page, make_procedure, make_staff
from .utils import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    return make_staff("ed", "Editors")


@pytest.fixture
def reviewer():
    user = make_staff("rev", "Clinical reviewers")
    make_clinician(name="Dr Reviewer", user=user)
    return user


def login(client, user):
    client.force_login(user)
    return client


def change_url(item):
    return reverse(f"admin:education_{item._meta.model_name}_change", args=[item.pk])


def changelist_url(model):
    return reverse(f"admin:education_{model._meta.model_name}_changelist")


def run_action(client, item, action):
    return client.post(
        changelist_url(type(item)), {"action": action, "_selected_action": [item.pk]}, follow=True
    )


ARTICLE_POST = {
    "title_en": "New article",
    "slug_en": "new-article",
    "summary_en": "Short.",
    "body_en": "Body.",
    "publish_at_0": "2026-01-01",
    "publish_at_1": "09:00:00",
}


# Roles and permissions ------------------------------------------------------------------------------------------


def test_roles_exist_after_migrate():
    from django.contrib.auth.models import Group

    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert "publish_article" not in groups["Editors"] and "change_article" in groups["Editors"]
    assert {"publish_article", "publish_faq", "change_article"} <= groups["Clinical reviewers"]
    assert {"publish_article", "add_user", "change_group"} <= groups["Administrators"]


def test_editor_cannot_publish_through_a_crafted_post(client, editor):
    login(client, editor)
    clinician = make_clinician()
    data = ARTICLE_POST | {"status": Status.PUBLISHED, "reviewed_by": clinician.pk, "last_reviewed": "2026-01-01"}
    assert client.post(reverse("admin:education_article_add"), data).status_code == 302
    article = Article.objects.get(slug_en="new-article")
    assert article.status == Status.DRAFT and article.reviewed_by is None
    assert article.updated_by == editor


def test_editor_form_shows_review_fields_read_only(client, editor):
    html = login(client, editor).get(reverse("admin:education_article_add")).text
    assert 'name="title_it"' in html
    assert 'name="status"' not in html and 'name="reviewed_by"' not in html


def test_editor_edit_of_a_published_item_waits_in_its_draft(client, editor):
    article = make_article()
    login(client, editor)
    url = change_url(article)
    html = client.get(url).text
    assert "You are editing its pending changes" not in html and "This page is live." in html
    assert client.post(url, form_data(html) | {"title_en": "Changed by the editor"}).status_code == 302
    article.refresh_from_db()
    assert article.title_en != "Changed by the editor"
    assert article.draft == {"title_en": "Changed by the editor"}
    # The form opens on the pending changes, and says which text it edits.
    html = client.get(url).text
    assert 'value="Changed by the editor"' in html and "You are editing its pending changes" in html


def test_editor_cannot_run_the_publish_action(client, editor):
    article = make_article(status=Status.REVIEW)
    login(client, editor)
    actions = client.get(changelist_url(Article)).text
    assert 'value="submit_for_review"' in actions and 'value="publish"' not in actions
    run_action(client, article, "publish")
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_editor_cannot_manage_accounts_but_administrator_can(client, editor):
    assert login(client, editor).get(reverse("admin:auth_user_changelist")).status_code == 403
    administrator = make_staff("boss", "Administrators")
    assert login(client, administrator).get(reverse("admin:auth_user_changelist")).status_code == 200


# State transitions ----------------------------------------------------------------------------------------------


def test_editor_submits_a_draft_for_review(client, editor):
    article = make_article(status=Status.DRAFT)
    response = run_action(login(client, editor), article, "submit_for_review")
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert "1 item sent for review." in response.text


def test_an_item_in_review_cannot_be_submitted_again(client, editor):
    article = make_article(status=Status.REVIEW)
    response = run_action(login(client, editor), article, "submit_for_review")
    assert "Only a draft, or a published item with pending changes, can be sent for review." in response.text


def signoff_url(item):
    return reverse(f"admin:education_{item._meta.model_name}_signoff", args=[item.pk])


def approve(client, item, language):
    """Open the item's sign-off page and press that language's approve button, as a reviewer would."""
    page = client.get(signoff_url(item)).text
    return client.post(signoff_url(item), form_data(page, form_id=f"approve-{language}"), follow=True)


@pytest.mark.parametrize("make", [make_article, make_procedure, make_faq, make_page])
def test_reviewer_approves_each_language_then_publishes(client, reviewer, make):
    item = make(status=Status.REVIEW)
    login(client, reviewer)
    response = run_action(client, item, "publish")
    item.refresh_from_db()
    assert item.status == Status.REVIEW
    assert "The English text has no approval of its current version" in response.text

    for code in ("en", "it"):
        assert "Approved." in approve(client, item, code).text
    response = client.post(signoff_url(item), {"step": "publish"}, follow=True)
    assert "Published." in response.text
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.reviewed_by_en.name == item.reviewed_by_it.name == "Dr Reviewer"
    assert item.last_reviewed_en == item.last_reviewed_it == timezone.localdate()
    assert item.next_review_due == item.last_reviewed_en.replace(year=item.last_reviewed_en.year + 1)
    assert client.logout() is None and client.get(item.get_absolute_url()).status_code == 200


def test_reviewer_without_clinician_profile_cannot_sign(client):
    article = make_article(status=Status.REVIEW)
    login(client, make_staff("nurse", "Clinical reviewers"))
    response = approve(client, article, "en")
    assert "not linked to a clinician" in response.text
    assert not article.approvals().exists()


def test_the_form_cannot_set_status_or_review(client, reviewer):
    login(client, reviewer)
    data = ARTICLE_POST | {"status": Status.PUBLISHED, "reviewed_by": 1, "last_reviewed": "2026-01-01"}
    assert client.post(reverse("admin:education_article_add"), data).status_code == 302
    article = Article.objects.get(slug_en="new-article")
    assert article.status == Status.DRAFT and article.reviewed_by is None and not article.approvals().exists()


def test_next_review_defaults_to_twelve_months_after_review():
    article = make_article(last_reviewed=datetime.date(2024, 2, 29), next_review_due=None)
    assert article.next_review_due == datetime.date(2025, 2, 28)


# Scheduling -----------------------------------------------------------------------------------------------------


def test_scheduled_item_becomes_visible_exactly_at_its_time(client, time_machine):
    moment = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    article = make_article(publish_at=moment)
    time_machine.move_to(moment - datetime.timedelta(microseconds=1), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title_en not in client.get("/en/").text
    time_machine.move_to(moment, tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title_en in client.get("/en/").text


# Preview --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [make_article, make_procedure, make_faq, make_page])
@pytest.mark.parametrize("language", ["en", "it"])
def test_staff_preview_of_unpublished_item(client, editor, make, language):
    from django.utils import translation

    item = make(status=Status.DRAFT)
    with translation.override(language):
        url = item.get_absolute_url()
    assert client.get(url).status_code == 404
    response = login(client, editor).get(url)
    assert response.status_code == 200
    assert ("Preview — not published." if language == "en" else "Anteprima — non pubblicato.") in response.text
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_published_item_has_no_preview_banner_for_staff(client, editor):
    article = make_article()
    response = login(client, editor).get(article.get_absolute_url())
    assert "Preview — not published." not in response.text


# History --------------------------------------------------------------------------------------------------------


def test_every_admin_save_is_recorded_and_can_be_restored(client, reviewer):
    article = make_article(title_en="First title", title_it="Primo titolo", status=Status.DRAFT)
    login(client, reviewer)
    url = change_url(article)
    client.post(url, form_data(client.get(url).text) | {"title_it": "Secondo titolo", "body_en": "New body."})
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert "Title [it]" in versions[0].revision.get_comment() and "Body [en]" in versions[0].revision.get_comment()
    assert versions[0].revision.user == reviewer
    client.post(url, form_data(client.get(url).text) | {"title_it": "Terzo titolo"})
    history = client.get(reverse("admin:education_article_history", args=[article.pk])).text
    assert "Title [it]" in history

    # Restore the first recorded version (the one with "Secondo titolo") from History; on a draft it becomes the
    # working text (a live item's would wait in its draft for sign-off: tests/test_editing_tools.py).
    first = Version.objects.get_for_object(article).order_by("pk").first()
    response = client.post(reverse("admin:education_article_restore", args=[article.pk, first.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_it == "Secondo titolo" and article.body_en == "New body."
    assert article.title_en == "First title"


# Review due -----------------------------------------------------------------------------------------------------


@pytest.fixture
def review_dates(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    return {
        "overdue": make_article(title_en="Overdue article", next_review_due=datetime.date(2026, 10, 1)),
        "soon": make_procedure(title_en="Soon procedure", next_review_due=datetime.date(2026, 11, 20)),
        "later": make_article(title_en="Later article", next_review_due=datetime.date(2027, 3, 1)),
        "draft": make_faq(
            question_en="Draft question?", status=Status.DRAFT, next_review_due=datetime.date(2026, 1, 1)
        ),
    }


def test_review_due_admin_view_lists_overdue_and_soon(client, reviewer, review_dates):
    response = login(client, reviewer).get(reverse("admin:review_due"))
    assert response.status_code == 200
    text = response.text
    assert "Overdue article" in text and "Soon procedure" in text
    assert "Later article" not in text and "Draft question?" not in text
    assert text.index("Overdue article") < text.index("Soon procedure")
    assert "overdue since" in text


def test_review_due_command_prints_and_emails(review_dates, capsys):
    make_staff("rev2", "Clinical reviewers", email="rev2@clinic.invalid")
    call_command("review_due")
    output = capsys.readouterr().out
    assert "Overdue article" in output and "Soon procedure" in output and "Later article" not in output
    assert not mail.outbox
    call_command("review_due", "--email")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rev2@clinic.invalid"]
    assert "Overdue article" in mail.outbox[0].body
    call_command("review_due", "--email", "--base-url", "https://clinic.example/")
    overdue = Article.objects.get(title_en="Overdue article")
    assert f"https://clinic.example/admin/education/article/{overdue.pk}/signoff/" in mail.outbox[1].body


# No lost edits --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [make_article, make_procedure, make_faq, make_page])
def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(client, reviewer, make):
    from django.test import Client

    item = make(status=Status.REVIEW)
    other = make_staff("rev-b", "Clinical reviewers")
    first, second = login(client, reviewer), login(Client(), other)
    url = change_url(item)
    field = "title_it" if hasattr(item, "title_it") else "question_it"
    first_form, second_form = form_data(first.get(url).text), form_data(second.get(url).text)

    assert first.post(url, first_form | {field: "Testo del primo"}).status_code == 302
    response = second.post(url, second_form | {field: "Testo del secondo"})

    assert response.status_code == 200
    assert "rev saved this item at" in response.text
    assert 'value="Testo del secondo"' in response.text  # the second person's text is still in the form
    item.refresh_from_db()
    assert getattr(item, field) == "Testo del primo"


def test_conflict_check_applies_to_supporting_models(client, reviewer):
    from django.test import Client

    from .factories import make_topic

    topic = make_topic()
    other = make_staff("rev-b", "Clinical reviewers")
    first, second = login(client, reviewer), login(Client(), other)
    url = change_url(topic)
    first_form, second_form = form_data(first.get(url).text), form_data(second.get(url).text)
    assert first.post(url, first_form | {"name_it": "Uno"}).status_code == 302
    assert second.post(url, second_form | {"name_it": "Due"}).status_code == 200
    topic.refresh_from_db()
    assert topic.name_it == "Uno"
