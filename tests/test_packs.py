"""Instruction packs (issue 19): visibility, sign-off, short link and QR code, and the send-and-forget e-mail."""
import datetime
import logging
import re

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail, serializers
from django.db import connection
from django.urls import reverse
from django.utils import translation

from education import services
from education.models import Pack, PackItem, Status, TimelineEntry

from .factories import (
    make_article,
    make_clinic,
    make_clinician,
    make_faq,
    make_pack,
    make_procedure,
    make_staff,
    sign_live,
)
from .test_leaflets import decode_svg_modules

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TIMELINE = [
    (-14, "2 weeks before", "Stop retinoid creams.", "2 settimane prima", "Sospendi le creme ai retinoidi."),
    (0, "On the day", "Come without make-up.", "Il giorno stesso", "Vieni senza trucco."),
    (1, "The day after", "Wash gently.", "Il giorno dopo", "Lava con delicatezza."),
]


def page(client, pack, language):
    with translation.override(language):
        response = client.get(pack.get_absolute_url())
    return response, BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [h3.get_text(strip=True) for h3 in soup.select(".pack-item h3")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_published_pack_lists_only_items_patients_may_see_in_order(client, language):
    procedure = make_procedure()
    shown_article = make_article()
    draft_article = make_article(status=Status.DRAFT)
    draft_faq = make_faq(status=Status.DRAFT)
    faq = make_faq()
    expired = make_article(expire_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    pack = make_pack(items=[procedure, draft_article, shown_article, draft_faq, faq, expired])
    response, soup = page(client, pack, language)
    assert response.status_code == 200
    with translation.override(language):
        assert titles(soup) == [procedure.title, shown_article.title, faq.question]
        assert soup.select_one(".pack-item a")["href"] == procedure.get_absolute_url()
    html = response.content.decode()
    for hidden in (draft_article, expired):
        assert f"/{hidden.slug_en}/" not in html and f"/{hidden.slug_it}/" not in html
    assert draft_faq.question_en not in html and draft_faq.question_it not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_unapproved_or_unpublished_pack_is_404_for_patients_and_a_preview_for_staff(client, language):
    draft = make_pack(items=[make_article()], status=Status.DRAFT)
    assert page(client, draft, language)[0].status_code == 404
    in_review = make_pack(status=Status.REVIEW)
    assert page(client, in_review, language)[0].status_code == 404
    client.force_login(make_staff("editor", "Editors"))
    response, soup = page(client, draft, language)
    assert response.status_code == 200 and soup.select_one(".preview-banner")
    assert "no-store" in response["Cache-Control"]


def test_a_pack_cannot_be_published_without_an_approval():
    pack = make_pack(status=Status.DRAFT)
    reviewer = make_staff("reviewer", "Clinical reviewers")
    with pytest.raises(services.ValidationError):
        services.publish(item=pack, user=reviewer)
    assert not Pack.objects.published().exists()


def test_approval_covers_the_items_and_each_languages_timeline():
    article = make_article()
    pack = make_pack(items=[article], timeline=TIMELINE, status=Status.DRAFT)
    sign_live(pack, make_clinician())
    services.unpublish(item=pack, user=make_staff("reviewer", "Clinical reviewers"))
    pack.refresh_from_db()
    assert set(pack.approved_languages()) == set(LANGUAGES)
    # Another item: every language's approval is void.
    PackItem.objects.create(pack=pack, position=1, faq=make_faq())
    assert pack.approved_languages() == {}
    PackItem.objects.filter(pack=pack, faq__isnull=False).delete()
    assert set(pack.approved_languages()) == set(LANGUAGES)
    # The order is approved too.
    PackItem.objects.filter(pack=pack).update(position=5)
    PackItem.objects.create(pack=pack, position=0, procedure=make_procedure())
    assert pack.approved_languages() == {}
    PackItem.objects.filter(pack=pack, procedure__isnull=False).delete()
    assert set(pack.approved_languages()) == set(LANGUAGES)
    # An Italian timeline edit voids the Italian approval only.
    TimelineEntry.objects.filter(pack=pack, offset_days=0).update(instruction_it="Vieni struccato.")
    assert set(pack.approved_languages()) == {"en"}


def test_a_timeline_entry_missing_its_translation_makes_that_language_incomplete():
    pack = make_pack(timeline=[(-1, "The day before", "Rest.", "", "")], status=Status.DRAFT)
    assert pack.incomplete_languages(pack.working_values()) == ["it"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_timeline_shows_each_entry_in_the_pages_language_in_day_order(client, language):
    pack = make_pack(timeline=list(reversed(TIMELINE)))
    _response, soup = page(client, pack, language)
    steps = soup.select(".timeline-steps li")
    assert [int(step["data-offset"]) for step in steps] == [-14, 0, 1]
    column = 1 if language == "en" else 3
    assert [step.select_one(".when strong").text for step in steps] == [entry[column] for entry in TIMELINE]
    assert soup.select_one(".timeline")["lang"] == language


def test_an_unapproved_italian_text_shows_the_english_timeline_with_the_english_title(client):
    pack = make_pack(timeline=TIMELINE, status=Status.DRAFT)
    reviewer = make_staff("reviewer", "Clinical reviewers")
    make_clinician(user=reviewer)
    services.approve(item=pack, user=reviewer, language="en", seen=pack.digest("en"))
    services.publish(item=pack, user=reviewer)
    _response, soup = page(client, pack, "it")
    assert soup.select_one(".timeline")["lang"] == "en"
    assert soup.select_one(".timeline-steps .when strong").text == "2 weeks before"


def test_published_pack_rows_are_read_only_in_the_admin(client):
    pack = make_pack(items=[make_article()], timeline=TIMELINE)
    client.force_login(make_staff("editor", "Editors"))
    html = client.get(reverse("admin:education_pack_change", args=[pack.pk])).text
    assert 'name="entries-0-position"' not in html and 'name="timeline-0-offset_days"' not in html
    services.unpublish(item=pack, user=make_staff("reviewer", "Clinical reviewers"))
    html = client.get(reverse("admin:education_pack_change", args=[pack.pk])).text
    assert 'name="entries-0-position"' in html and 'name="timeline-0-offset_days"' in html


def test_a_pack_item_is_exactly_one_article_procedure_or_faq():
    pack = make_pack(status=Status.DRAFT)
    with pytest.raises(services.ValidationError):
        PackItem(pack=pack).clean()
    with pytest.raises(services.ValidationError):
        PackItem(pack=pack, article=make_article(), faq=make_faq()).clean()


def short_path(pack, language):
    with translation.override(language):
        return reverse("education:leaflet", kwargs={"code": pack.leaflet_code})


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_link_leads_to_the_pack_and_says_when_it_was_withdrawn(client, language):
    pack = make_pack()
    assert pack.leaflet_code == f"PCK-{pack.pk:03d}"
    response = client.get(short_path(pack, language))
    assert response.status_code == 302
    with translation.override(language):
        assert response["Location"] == pack.get_absolute_url()
    services.unpublish(item=pack, user=make_staff("reviewer", "Clinical reviewers"))
    assert client.get(short_path(pack, language)).status_code == 410


@pytest.mark.parametrize("language", LANGUAGES)
def test_printed_qr_code_decodes_to_the_packs_short_link(client, language):
    pack = make_pack()
    response, soup = page(client, pack, language)
    svg = re.search(r'<div class="leaflet-qr"[^>]*>(<svg.*?</svg>)</div>', response.content.decode()).group(1)
    url = f"http://testserver{short_path(pack, language)}"
    assert [result.text for result in zxingcpp.read_barcodes(decode_svg_modules(svg))] == [url]
    assert soup.select_one(".leaflet-code").text == pack.leaflet_code


def test_pack_page_sets_no_cookie_and_loads_nothing_from_elsewhere(client):
    make_clinic()
    pack = make_pack(items=[make_article()], timeline=TIMELINE)
    response, soup = page(client, pack, "en")
    assert not response.cookies
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            assert not element.get(attribute, "/").startswith(("http:", "https:", "//")) or element.name == "link" \
                and element.get("rel") in (["canonical"], ["alternate"])
    assert len(soup.select(".emergency")) == 1  # the contact details once


def test_pack_page_forgets_an_item_that_is_unpublished(client, settings):
    settings.PAGE_CACHE = True
    article = make_article()
    pack = make_pack(items=[article, make_procedure()])
    assert article.title in titles(page(client, pack, "en")[1])
    services.unpublish(item=article, user=make_staff("reviewer", "Clinical reviewers"))
    assert article.title not in titles(page(client, pack, "en")[1])


def test_sitemap_lists_published_packs_only(client):
    pack = make_pack()
    draft = make_pack(status=Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert pack.get_absolute_url() in xml and f"/{draft.slug_en}/" not in xml


@pytest.mark.parametrize("count", [1, 12])
def test_pack_page_queries_do_not_grow_with_its_items(client, django_assert_max_num_queries, count):
    items = [make_article() for _ in range(count)] + [make_faq() for _ in range(count)]
    pack = make_pack(items=items, timeline=TIMELINE)
    # The versions, the pack, its rows, the visible items of each kind present, the timeline, clinic, footer pages.
    with django_assert_max_num_queries(8):
        response = client.get(pack.get_absolute_url())
    assert len(BeautifulSoup(response.content, "html.parser").select(".pack-item")) == 2 * count


# --- the e-mail -----------------------------------------------------------------------------------------------------

ADDRESS = "Patient.Person+pack@example.org"


def everything_stored():
    """Every row of every model whose table this database has, serialised: where an address would be if anything had
    kept it (search's PostgreSQL table exists on PostgreSQL only)."""
    text = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table in tables:
            text.append(serializers.serialize("json", model._base_manager.all()))
    return "\n".join(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_email_sends_the_absolute_link_in_the_chosen_language_and_keeps_no_address(client, caplog, language,
                                                                                   monkeypatch):
    monkeypatch.setenv("DJANGO_PORTAL_URL", "https://clinic.example/")
    make_clinic()
    pack = make_pack()
    client.force_login(make_staff("editor", "Editors"))
    url = reverse("admin:education_pack_email", args=[pack.pk])
    form = client.get(url).text
    assert "not saved, not written to any log and not kept in your session" in form
    caplog.set_level(logging.DEBUG)
    response = client.post(url, {"email": ADDRESS, "language": language}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:education_pack_change", args=[pack.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ADDRESS]
    with translation.override(language):
        link = "https://clinic.example" + pack.get_absolute_url()
        assert pack.title in message.subject
    assert link in message.body
    assert ("Hello" in message.body) == (language == "en") and ("Buongiorno" in message.body) == (language == "it")
    # Kept nowhere: no database row (sessions included), no log record, no message shown later.
    stored = everything_stored().lower()
    assert ADDRESS.lower() not in stored and "patient.person" not in stored
    for session in Session.objects.all():
        assert "patient.person" not in str(session.get_decoded()).lower()
    assert not any("patient.person" in record.getMessage().lower() for record in caplog.records)
    assert "patient.person" not in response.content.decode().lower()


def test_email_refuses_a_bad_address_and_an_unpublished_pack_without_sending(client):
    pack = make_pack(status=Status.DRAFT)
    client.force_login(make_staff("editor", "Editors"))
    url = reverse("admin:education_pack_email", args=[pack.pk])
    response = client.post(url, {"email": "not an address", "language": "en"})
    assert response.status_code == 200 and "Enter a valid email address." in response.text
    response = client.post(url, {"email": ADDRESS, "language": "en"}, follow=True)
    assert "not published" in response.text
    assert mail.outbox == []


def test_email_failure_is_a_message_not_a_500(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", refuse)
    pack = make_pack()
    client.force_login(make_staff("editor", "Editors"))
    response = client.post(reverse("admin:education_pack_email", args=[pack.pk]), {"email": ADDRESS, "language": "en"})
    assert response.status_code == 200 and "could not be sent" in response.text


# --- the demo pack ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_pack_is_published_and_approved_in_both_languages_with_every_item(client, language):
    from django.core.management import call_command

    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)
    pack = Pack.objects.published().get(leaflet_code="PCK-001")
    assert set(pack.approved_languages()) == set(LANGUAGES) and pack.missing_languages() == []
    _response, soup = page(client, pack, language)
    assert soup.select_one("h1").text == getattr(pack, f"title_{language}")
    assert len(soup.select(".pack-item")) == PackItem.objects.filter(pack=pack).count() == 5
    assert [int(li["data-offset"]) for li in soup.select(".timeline-steps li")] == [-14, -1, 0, 0, 1, 14]
    assert "112" in soup.select_one(".timeline").text


# --- the admin ---------------------------------------------------------------------------------------------------


def test_editor_builds_a_pack_with_items_and_timeline_and_a_bad_row_is_a_form_error(client):
    from .utils import form_data

    article, faq = make_article(), make_faq()
    client.force_login(make_staff("editor", "Editors"))
    url = reverse("admin:education_pack_add")
    data = form_data(client.get(url).text) | {
        "title_en": "Before your peel", "slug_en": "before-your-peel", "summary_en": "What to do.",
        "title_it": "Prima del peeling", "slug_it": "prima-del-peeling", "summary_it": "Che cosa fare.",
        "entries-0-position": "1", "entries-0-article": str(article.pk), "entries-0-faq": str(faq.pk),
        "timeline-0-offset_days": "-1", "timeline-0-label_en": "The day before", "timeline-0-instruction_en": "Rest.",
        "timeline-0-label_it": "Il giorno prima", "timeline-0-instruction_it": "Riposa.",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Choose exactly one article" in response.text
    assert not Pack.objects.exists()  # nothing half-saved
    data["entries-0-faq"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:2000]
    pack = Pack.objects.get()
    assert [entry.key for entry in pack.entries.all()] == [f"article:{article.pk}"]
    assert pack.timeline.get().label_it == "Il giorno prima"
    assert pack.leaflet_code == f"PCK-{pack.pk:03d}"


def test_signoff_page_shows_the_items_and_the_timeline_and_what_changed(client):
    article = make_article()
    pack = make_pack(items=[article], timeline=TIMELINE, status=Status.DRAFT)
    sign_live(pack, make_clinician())
    reviewer = make_staff("reviewer", "Clinical reviewers")
    services.unpublish(item=pack, user=reviewer)
    TimelineEntry.objects.filter(pack=pack, offset_days=0).update(instruction_en="Come early.")
    client.force_login(reviewer)
    html = client.get(reverse("admin:education_pack_signoff", args=[pack.pk])).text
    assert article.title in html and "2 weeks before" in html and "2 settimane prima" in html
    assert "<ins>early.</ins>" in html.replace("\n", "")
