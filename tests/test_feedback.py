"""Patient feedback: a form that works without cookies, refuses what it must in the patient's language, keeps no
personal data, and reaches the reviewer (list, item form, change list share, review-due e-mail), then expires."""
import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from education.models import Status
from feedback import protection
from feedback.models import Feedback

from .factories import make_article, make_clinic, make_faq, make_procedure, make_staff

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2027, 1, 15, 12, 0, tzinfo=datetime.UTC)  # after the factories publish


@pytest.fixture(autouse=True)
def _clinic(settings):
    settings.PAGE_CACHE = True
    make_clinic()


@pytest.fixture
def patient():
    """A browser that enforces CSRF like a real one and has no cookie at all."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def article():
    return make_article(title_en="Botox for acne", title_it="Botox per l'acne")


def url_in(item, language):
    with translation.override(language):
        return item.get_absolute_url()


def form_on(client, url):
    """The action and the fields of the feedback form on the page at `url`."""
    html = client.get(url).text
    action = re.search(r'<form class="feedback-form" method="post" action="([^"]+)"', html).group(1)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return action, {"token": token, "helpful": "no", "comment": "The word sebum was unclear."}


def send(client, url, **changes):
    action, data = form_on(client, url)
    return client.post(action, data | changes)


def assert_no_cookie(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


# The form and a stored answer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [make_article, make_procedure, make_faq])
def test_every_item_page_ends_with_the_form_in_each_language(patient, make):
    item = make()
    for code, _name in settings.LANGUAGES:
        response = patient.get(url_in(item, code))
        assert_no_cookie(response)
        action, data = form_on(patient, url_in(item, code))
        assert action == f"/{code}/" + action.split("/", 2)[2] and str(item.pk) in action
        assert "+39 02 1234 5678" in response.text  # the clinic's contact, since nobody answers here
    assert response.text.index("feedback-heading") > response.text.index("trust-heading")


def test_post_without_any_cookie_is_stored_and_sends_the_patient_to_the_thank_you(patient, article):
    response = send(patient, url_in(article, "it"), helpful="no", comment="Non ho capito cosa sia il sebo.")
    assert response.status_code == 303
    assert response["Location"] == url_in(article, "it") + "#feedback-thanks"
    assert_no_cookie(response)
    answer = Feedback.objects.get()
    assert (answer.item, answer.language, answer.helpful) == (article, "it", False)
    assert answer.item_version == article.version
    assert answer.comment == "Non ho capito cosa sia il sebo."
    assert answer.read_at is None


def test_thank_you_is_on_the_page_shown_by_its_fragment_and_in_the_patients_language(patient, article):
    page = patient.get(url_in(article, "it")).text
    assert 'id="feedback-thanks"' in page and "Grazie" in page
    assert ".feedback-thanks:target" in open(settings.BASE_DIR / "static/css/site.css").read()


def test_staff_preview_of_a_draft_has_no_form_and_a_post_for_it_is_a_404(client, patient):
    draft = make_article(status=Status.DRAFT)
    client.force_login(make_staff("ed", "Editors"))
    assert 'class="feedback-form"' not in client.get(draft.get_absolute_url()).text
    token = protection.make_token("article", draft.pk, "en")
    response = patient.post(f"/en/feedback/article/{draft.pk}/", {"token": token, "helpful": "yes"})
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_opening_the_form_address_leads_back_to_the_page(patient, article):
    action, _data = form_on(patient, url_in(article, "en"))
    response = patient.get(action)
    assert response.status_code == 302 and response["Location"] == url_in(article, "en")


# Refusals -------------------------------------------------------------------------------------------------------


def other_page_token(article, language):
    return protection.make_token("article", make_article().pk, language)


TOKENS = {
    "missing": lambda article, language: "",
    "forged": lambda article, language: protection.make_token("article", article.pk, language)[:-3] + "abc",
    "other page": other_page_token,
    "other language": lambda article, language: protection.make_token("article", article.pk, "en"),
    "unsigned": lambda article, language: f'["article",{article.pk},"{language}"]',
}


@pytest.mark.parametrize("case", TOKENS)
def test_bad_token_is_refused_with_a_page_in_the_patients_language(patient, article, case):
    url = url_in(article, "it")
    response = send(patient, url, token=TOKENS[case](article, "it"), comment="Poco chiaro.")
    assert response.status_code == 400
    assert_no_cookie(response)
    assert not Feedback.objects.exists()
    assert "La tua risposta non è stata inviata" in response.text
    assert f'href="{url}"' in response.text  # the way back
    # A fresh form that keeps what the patient wrote, so sending it again is one click.
    assert "Poco chiaro." in response.text and 'value="no" checked' in response.text
    again = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    with translation.override("it"):
        action = reverse("feedback:submit", kwargs={"kind": "article", "pk": article.pk})
    assert f'action="{action}"' in response.text
    assert patient.post(action, {"token": again, "helpful": "no"}).status_code == 303


def test_expired_token_is_refused_and_a_fresh_one_works(patient, article, time_machine):
    time_machine.move_to(NOON, tick=False)
    action, data = form_on(patient, url_in(article, "en"))
    time_machine.shift(datetime.timedelta(seconds=settings.FEEDBACK_TOKEN_MAX_AGE + 1))
    response = patient.post(action, data)
    assert response.status_code == 400
    assert "the form expired" in response.text
    assert not Feedback.objects.exists()
    fresh = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    assert patient.post(action, data | {"token": fresh}).status_code == 303


def test_token_outlives_a_cached_page(article):
    from education.cache import PAGE_TIMEOUT

    # A page may come from the cache up to PAGE_TIMEOUT after it was rendered; its form must still work then.
    assert settings.FEEDBACK_TOKEN_MAX_AGE > PAGE_TIMEOUT


def test_post_from_another_website_is_refused(patient, article):
    action, data = form_on(patient, url_in(article, "en"))
    response = patient.post(action, data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_missing_answer_is_a_form_error_not_a_failure(patient, article):
    action, data = form_on(patient, url_in(article, "it"))
    del data["helpful"]
    response = patient.post(action, data)
    assert response.status_code == 400
    assert "Scegli “Sì” o “No”." in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "comment",
    [
        "Great offers at https://pills.example",
        "visit www.cheap-pills.example now",
        "buy cheap pills best-pills.com",
        '<a href="x">click</a>',
        "[url=x]click[/url]",
    ],
)
def test_links_and_markup_are_refused_as_spam(patient, article, comment):
    response = send(patient, url_in(article, "en"), comment=comment)
    assert response.status_code == 400
    assert "without links" in response.text
    assert not Feedback.objects.exists()


def test_hidden_field_filled_by_a_robot_is_refused(patient, article):
    assert send(patient, url_in(article, "en"), website="http://spam").status_code == 400
    assert not Feedback.objects.exists()


def test_rate_limit_per_address_and_page_keeps_no_address(article, time_machine):
    time_machine.move_to(NOON, tick=False)
    url, other = url_in(article, "en"), url_in(make_article(), "en")
    first = Client(REMOTE_ADDR="203.0.113.7")
    for _n in range(settings.FEEDBACK_RATE_LIMIT):
        assert send(first, url).status_code == 303
    refused = send(first, url)
    assert refused.status_code == 429
    assert "no need to send more" in refused.text
    assert 'class="feedback-form"' not in refused.text
    assert Feedback.objects.count() == settings.FEEDBACK_RATE_LIMIT
    assert send(first, other).status_code == 303  # another page
    assert send(Client(REMOTE_ADDR="203.0.113.8"), url).status_code == 303  # another address
    stored = repr(list(cache._cache.items()))
    assert "203.0.113" not in stored
    time_machine.shift(datetime.timedelta(seconds=settings.FEEDBACK_RATE_WINDOW + 1))
    assert send(first, url).status_code == 303  # the window has passed


def test_with_the_shared_cache_down_the_answer_is_kept(patient, article, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache server unreachable")

            return fail

    monkeypatch.setattr(protection, "cache", Down())
    assert send(patient, url_in(article, "en"), comment="Clear, thank you.").status_code == 303
    assert Feedback.objects.get().comment == "Clear, thank you."


def test_scrubbing_removes_addresses_and_phone_numbers_and_keeps_doses():
    text = "Write to mario.rossi@mail.example or call +39 333 123 4567, (02) 1234-5678 or 3331234567."
    assert protection.scrub(text) == "Write to [e-mail] or call [phone], [phone] or [phone]."
    kept = "After 2 weeks and 50 units, 3 times a day for 10 days."
    assert protection.scrub(kept) == kept


def test_stored_comment_is_scrubbed(patient, article):
    send(patient, url_in(article, "en"), comment="Call me on 333 123 4567 or anna@mail.example please")
    assert Feedback.objects.get().comment == "Call me on [phone] or [e-mail] please"


def test_too_long_comment_is_refused_with_the_limit(patient, article):
    response = send(patient, url_in(article, "en"), comment="a" * 501)
    assert response.status_code == 400 and "under 500 characters" in response.text
    assert not Feedback.objects.exists()


# Cache and cookies ----------------------------------------------------------------------------------------------


def test_feedback_leaves_the_cached_page_alone_and_nothing_sets_a_cookie(patient, article, django_assert_num_queries):
    url = url_in(article, "en")
    first = patient.get(url)
    with django_assert_num_queries(1):  # the page cache's read of the content versions
        assert patient.get(url).content == first.content  # cached
    action, data = form_on(patient, url)
    posted = patient.post(action, data, follow=True)
    assert posted.redirect_chain == [(url + "#feedback-thanks", 303)]
    # The thank-you page is the cached page, the same for everyone: the fragment, not the server, shows the thanks.
    with django_assert_num_queries(1):  # the page cache's read of the content versions
        after = patient.get(url)
    assert after.content == first.content
    for response in (first, posted, after, *[patient.get(u) for u in ("/en/", "/it/", url_in(article, "it"))]):
        assert_no_cookie(response)
    assert not patient.cookies


def test_refusal_pages_are_never_cached(patient, article):
    response = send(patient, url_in(article, "en"), token="")
    assert "no-store" in response["Cache-Control"]


# Retention ------------------------------------------------------------------------------------------------------


def answer(item, **fields):
    fields = {"language": "en", "helpful": False, **fields}
    return Feedback.objects.create(item=item, item_version=item.version, **fields)


def test_purge_command_deletes_only_answers_past_retention(article, time_machine, settings, capsys):
    time_machine.move_to(NOON, tick=False)
    old = answer(article, created_at=NOON - datetime.timedelta(days=366))
    recent = answer(article, created_at=NOON - datetime.timedelta(days=364))
    call_command("purge_feedback", "--dry-run")
    assert "Would delete 1" in capsys.readouterr().out
    assert Feedback.objects.count() == 2
    call_command("purge_feedback")
    assert list(Feedback.objects.all()) == [recent]
    assert not Feedback.objects.filter(pk=old.pk).exists()
    settings.FEEDBACK_RETENTION_DAYS = 30
    call_command("purge_feedback", verbosity=0)
    assert not Feedback.objects.exists()


def test_retention_also_runs_without_cron_when_answers_arrive(patient, article, time_machine):
    time_machine.move_to(NOON, tick=False)
    answer(article, created_at=NOON - datetime.timedelta(days=400))
    send(patient, url_in(article, "en"))
    assert Feedback.objects.count() == 1 and Feedback.objects.get().created_at == NOON


# Staff ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def reviewer():
    return make_staff("rev", "Clinical reviewers")


def test_staff_list_filters_by_item_language_answer_and_unread(
    client, reviewer, article, django_assert_max_num_queries
):
    other = make_procedure(title_en="Peel")
    answer(article, comment="Unclear words", language="it")
    answer(article, helpful=True, comment="Clear")
    answer(other, comment="Too long", read_at=NOON)
    client.force_login(reviewer)
    url = reverse("admin:feedback_feedback_changelist")

    def shown(query):
        with django_assert_max_num_queries(16):
            text = client.get(f"{url}?{query}").text
        return {c for c in ("Unclear words", "Clear", "Too long") if f">{c}<" in text}

    assert shown("") == {"Unclear words", "Clear", "Too long"}
    assert shown(f"item=article:{article.pk}") == {"Unclear words", "Clear"}
    assert shown("language=it") == {"Unclear words"}
    assert shown("helpful__exact=0") == {"Unclear words", "Too long"}
    assert shown("unread=1") == {"Unclear words", "Clear"}
    assert shown("unread=0") == {"Too long"}


def test_list_costs_the_same_with_many_answers(client, reviewer, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)
    url = reverse("admin:feedback_feedback_changelist")
    answer(make_article())
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(30):
        answer(make_article())
    with django_assert_num_queries(len(few) + 0):
        client.get(url)


def test_a_reviewer_opening_an_answer_marks_it_read_an_editor_does_not(client, reviewer, article):
    item = answer(article, comment="Unclear")
    url = reverse("admin:feedback_feedback_change", args=[item.pk])
    client.force_login(make_staff("ed", "Editors"))
    assert client.get(url).status_code == 200
    item.refresh_from_db()
    assert item.read_at is None
    client.force_login(reviewer)
    assert "Unclear" in client.get(url).text
    item.refresh_from_db()
    assert item.read_at is not None and item.read_by == reviewer


def test_feedback_shows_on_the_items_change_form(client, reviewer, article):
    answer(article, comment="What is sebum?", language="it")
    client.force_login(reviewer)
    text = client.get(reverse("admin:education_article_change", args=[article.pk])).text
    assert "Patient feedback" in text and "What is sebum?" in text
    assert f"?item=article:{article.pk}" in text
    assert "1 answer, 1 unread." in text


def test_change_list_shows_the_helpful_share_of_the_last_90_days_in_one_query(
    client, reviewer, article, time_machine, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(NOON, tick=False)
    answer(article, helpful=True)
    answer(article, helpful=True)
    answer(article, helpful=False)
    answer(article, helpful=False, created_at=NOON - datetime.timedelta(days=91))  # outside the window
    client.force_login(reviewer)
    url = reverse("admin:education_article_changelist")
    with CaptureQueriesContext(connection) as one:
        text = client.get(url).text
    assert "67% (2/3)" in text
    for _n in range(10):
        answer(make_article(), helpful=True)
    with django_assert_num_queries(len(one)):
        assert "100% (1/1)" in client.get(url).text


def test_review_due_email_mentions_unread_feedback(time_machine):
    time_machine.move_to(NOON, tick=False)
    make_staff("rev2", "Clinical reviewers", email="rev2@clinic.invalid")
    due = make_article(title_en="Due article", next_review_due=datetime.date(2027, 1, 20))
    answer(due)
    answer(due)
    answer(due, read_at=NOON)
    call_command("review_due", "--email", verbosity=0)
    body = mail.outbox[0].body
    assert "Due article" in body and "[unread patient feedback: 2]" in body
    assert "Unread patient feedback on all pages: 2" in body
    assert mail.outbox[0].subject == "1 item(s) due for medical review"
