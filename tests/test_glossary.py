"""Medical words explain themselves: the first use of each term on a page is marked, with its plain definition,
in both languages and with word forms; never inside links, headings or code; edits show at once; marking is cached."""
import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from education.cache import bump_content_version
from education.models import Article, ProcedureNote
from glossary import marking
from glossary.models import Term

from .factories import make_article, make_clinic, make_clinician, make_faq, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clinic(settings):
    settings.PAGE_CACHE = True
    make_clinic()


@pytest.fixture
def gland():
    return Term.objects.create(
        term_en="sebaceous gland",
        forms_en="sebaceous glands",
        definition_en="A tiny gland that makes skin oil.",
        term_it="ghiandola sebacea",
        forms_it="ghiandole sebacee",
        definition_it="Una piccola ghiandola che produce l'olio della pelle.",
        slug="sebaceous-gland",
        reviewed_by=make_clinician(),
        last_reviewed=datetime.date(2026, 11, 1),
    )


def url_in(item, language):
    with translation.override(language):
        return item.get_absolute_url()


def marked(html):
    return re.findall(r'<dfn class="term">([^<]*)</dfn>', html)


def test_first_use_is_marked_once_per_page_in_each_language_with_word_forms(client, gland):
    article = make_article(
        body_en="Your sebaceous glands make oil.\n\nEach sebaceous gland sits by a hair.",
        body_it="Le ghiandole sebacee producono olio.\n\nOgni ghiandola sebacea sta vicino a un pelo.",
    )
    english = client.get(url_in(article, "en")).text
    assert marked(english) == ["sebaceous glands"]
    assert english.count("A tiny gland that makes skin oil.") == 2  # the definition, and "Words used on this page"
    assert "<summary>What does “sebaceous glands” mean?</summary>" in english
    italian = client.get(url_in(article, "it")).text
    assert marked(italian) == ["ghiandole sebacee"]
    assert "<summary>Che cosa vuol dire “ghiandole sebacee”?</summary>" in italian
    assert "Parole usate in questa pagina" in italian


def test_definition_follows_the_paragraph_so_the_html_stays_valid(client, gland):
    article = make_article(body_en="Oil comes from sebaceous glands, deep in the skin.\n\n- a sebaceous gland item")
    html = client.get(url_in(article, "en")).text
    assert re.search(r"deep in the skin\.</p><details class=\"definition\">", html)


def test_terms_inside_links_headings_and_code_are_left_alone(client, gland):
    article = make_article(
        body_en=(
            "## About sebaceous glands\n\n"
            "Read [sebaceous glands](https://example.org/) and `sebaceous gland`.\n\n"
            "Later: sebaceous glands again."
        )
    )
    html = client.get(url_in(article, "en")).text
    assert marked(html) == ["sebaceous glands"]
    assert "<h2>About sebaceous glands</h2>" in html
    assert "<code>sebaceous gland</code>" in html
    assert "Later: <dfn" in html


def test_one_marking_per_procedure_page_across_its_sections(client, gland):
    procedure = make_procedure(what_it_is_en="It calms sebaceous glands.", risks_en="The sebaceous glands may recover.")
    assert marked(client.get(url_in(procedure, "en")).text) == ["sebaceous glands"]


def test_faq_answers_are_marked(client, gland):
    faq = make_faq(answer_en="Sebaceous glands make oil.")
    assert marked(client.get(url_in(faq, "en")).text) == ["Sebaceous glands"]


def test_unreviewed_terms_and_terms_without_a_language_are_not_shown(client, gland):
    gland.last_reviewed = None
    gland.save()
    article = make_article(body_en="Sebaceous glands.", body_it="Ghiandole sebacee.")
    assert marked(client.get(url_in(article, "en")).text) == []
    gland.last_reviewed = datetime.date(2026, 11, 2)
    gland.definition_it = ""
    gland.save()
    assert marked(client.get(url_in(article, "en")).text) == ["Sebaceous glands"]
    assert marked(client.get(url_in(article, "it")).text) == []


def test_term_edit_shows_on_cached_pages_at_once(client, gland, django_assert_num_queries):
    article = make_article(body_en="Sebaceous glands make oil.")
    url = url_in(article, "en")
    client.get(url)
    with django_assert_num_queries(1):  # the page cache reads the content versions, and nothing else
        assert "A tiny gland that makes skin oil." in client.get(url).text  # from the page cache
    gland.definition_en = "A very small gland in the skin."
    gland.save()
    html = client.get(url).text
    assert "A very small gland in the skin." in html and "A tiny gland" not in html
    gland.delete()
    assert marked(client.get(url).text) == []


def test_a_text_is_marked_once_per_version_not_per_request(client, gland, monkeypatch):
    article = make_article(body_en="Sebaceous glands make oil.")
    calls = []
    feed = marking.Marker.feed
    monkeypatch.setattr(marking.Marker, "feed", lambda self, data: calls.append(1) or feed(self, data))
    monkeypatch.setattr(settings, "PAGE_CACHE", False)
    for _n in range(3):
        assert marked(client.get(url_in(article, "en")).text) == ["Sebaceous glands"]
    assert len(calls) == 1
    article.body_en = "Sebaceous glands make more oil."
    article.save()
    client.get(url_in(article, "en"))
    assert len(calls) == 2


def test_glossary_page_lists_terms_a_to_z_with_anchors_in_each_language(client, gland):
    Term.objects.create(
        term_en="acetylcholine", definition_en="A nerve messenger.", term_it="acetilcolina",
        definition_it="Un messaggero dei nervi.", slug="acetylcholine", reviewed_by=gland.reviewed_by,
        last_reviewed=datetime.date(2026, 11, 1),
    )
    Term.objects.create(term_en="draft word", definition_en="Not reviewed.", slug="draft-word")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            url = reverse("glossary:index")
        response = client.get(url)
        assert "Set-Cookie" not in response.headers
        html = response.text
        assert 'id="term-acetylcholine"' in html and 'id="term-sebaceous-gland"' in html
        assert html.index('id="letter-A"') < html.index('id="letter-S"') if code == "en" else 'id="letter-G"' in html
        assert html.index("term-acetylcholine") < html.index("term-sebaceous-gland")
        assert "draft word" not in html
    assert "Un messaggero dei nervi." in client.get("/it/glossario/").text


def test_words_used_link_to_the_glossary_entry(client, gland):
    article = make_article(body_it="Le ghiandole sebacee.")
    html = client.get(url_in(article, "it")).text
    assert '<a href="/it/glossario/#term-sebaceous-gland">ghiandola sebacea</a>' in html


def test_demo_glossary_has_at_least_15_reviewed_terms_in_both_languages_used_by_the_demo(client):
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)
    assert Term.objects.published().count() >= 15
    for code, _name in settings.LANGUAGES:
        assert Term.objects.in_language(code).count() == Term.objects.count()
    used = set()
    for item in [*Article.objects.all(), *ProcedureNote.objects.all()]:
        for code, _name in settings.LANGUAGES:
            used |= {(code, word.casefold()) for word in marked(client.get(url_in(item, code)).text)}
    for code, _name in settings.LANGUAGES:
        assert len([word for language, word in used if language == code]) >= 15


def test_article_page_queries_do_not_grow_with_the_glossary(client, gland, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE = False
    article = make_article(body_en="Sebaceous glands make oil.")
    client.get(url_in(article, "en"))  # loads the terms once for this glossary version
    with CaptureQueriesContext(connection) as before:
        client.get(url_in(article, "en"))
    queries = len(before)  # read now: the next request resets the log it counts from
    for n in range(20):
        Term.objects.create(
            term_en=f"word{n}", definition_en="x", slug=f"w{n}", reviewed_by=gland.reviewed_by,
            last_reviewed=datetime.date(2026, 11, 1),
        )
    client.get(url_in(article, "en"))
    with django_assert_max_num_queries(queries):
        client.get(url_in(article, "en"))


def test_editors_write_terms_and_only_reviewers_sign_them_off(client, gland):
    from .factories import make_staff

    url = reverse("admin:glossary_term_change", args=[gland.pk])
    client.force_login(make_staff("ed", "Editors"))
    page = client.get(url).text
    assert 'name="definition_it"' in page and 'name="last_reviewed"' not in page
    client.force_login(make_staff("rev", "Clinical reviewers"))
    page = client.get(url).text
    assert 'name="definition_it"' in page and 'name="last_reviewed"' in page
    assert client.get(reverse("admin:glossary_term_changelist")).status_code == 200


def test_a_template_rendered_without_a_request_still_marks_its_text(gland):
    from django.template import engines

    article = make_article(body_en="Sebaceous glands, then sebaceous glands.")
    template = engines["jinja2"].from_string("{{ glossary_field(item, 'body') }}{{ glossary_words()|length }}")
    with translation.override("en"):
        html = template.render({"item": article})
    assert marked(html) == ["Sebaceous glands"] and html.endswith("1")


def test_a_term_edited_by_another_worker_shows_at_once(client, gland, settings):
    settings.PAGE_CACHE = False  # this process's table of terms and its marked texts are what is under test
    article = make_article(body_en="Sebaceous glands make oil.")
    url = url_in(article, "en")
    assert "A tiny gland that makes skin oil." in client.get(url).text
    # Another worker's save, as this process sees it: the row and a new site version, with no signal here.
    Term.objects.filter(pk=gland.pk).update(definition_en="A very small gland in the skin.")
    bump_content_version()
    html = client.get(url).text
    assert "A very small gland in the skin." in html and "A tiny gland" not in html
