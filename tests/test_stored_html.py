"""Markdown is rendered and sanitised once, at save, and stored (Publishable.rendered): pages serve that HTML."""
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from education import text
from education.cache import bump_content_version
from education.models import Article
from education.text import render_markdown, text_digest

from .factories import make_article, make_faq, make_page, make_procedure

pytestmark = pytest.mark.django_db


def url_in(item, language):
    with translation.override(language):
        return item.get_absolute_url()


@pytest.fixture
def refuse_markdown(monkeypatch, settings):
    """Call once the items are saved: from then on rendering Markdown fails the test."""
    settings.PAGE_CACHE = False

    def refuse(value):
        raise AssertionError(f"Markdown rendered during the request: {value[:40]!r}")

    return lambda: monkeypatch.setattr(text, "render_markdown", refuse)


def test_save_stores_each_markdown_field_as_sanitised_html_in_every_language():
    article = make_article(body_en="## Care\n\nUse *cream*.<script>alert(1)</script>", body_it="Usa la *crema*.")
    expected = {text_digest(article.body_en): render_markdown(article.body_en),
                text_digest(article.body_it): render_markdown(article.body_it)}
    assert article.rendered == expected
    assert "<script" not in str(article.rendered) and "<em>cream</em>" in str(article.rendered)


def test_every_page_with_markdown_serves_the_stored_html(client, refuse_markdown):
    article = make_article(body_en="Use *cream* daily.", body_it="Usa la *crema* ogni giorno.")
    procedure = make_procedure(risks_en="Rare *redness*.", risks_it="Raro *rossore*.",
                               aftercare_en="Keep it *dry*.", aftercare_it="Tienila *asciutta*.")
    faq = make_faq(article=article, answer_en="It *heals*.", answer_it="*Guarisce*.")
    page = make_page(body_en="We *write* plainly.", body_it="Scriviamo *chiaro*.")
    refuse_markdown()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected = {
                article: "<em>cream</em>" if code == "en" else "<em>crema</em>",
                procedure: "<em>redness</em>" if code == "en" else "<em>rossore</em>",
                faq: "<em>heals</em>" if code == "en" else "<em>Guarisce</em>",
                page: "<em>write</em>" if code == "en" else "<em>chiaro</em>",
            }
        for item, html in expected.items():
            assert html in client.get(url_in(item, code)).text, (item, code)
        # The article page lists its question with the answer's stored HTML too.
        assert expected[faq] in client.get(url_in(article, code)).text
        # The structured data's plain text (aftercare, answers) comes from the stored HTML as well.
        followup = '"followup": "Keep it' if code == "en" else '"followup": "Tienila'
        assert followup in client.get(url_in(procedure, code)).text
        with translation.override(code):
            assert client.get(reverse("education:faq")).status_code == 200


def test_a_language_without_its_own_text_shows_the_fallback_html(client, refuse_markdown):
    article = make_article(body_en="Use *cream* daily.", body_it="")
    refuse_markdown()
    assert "<em>cream</em>" in client.get(url_in(article, "it")).text


def test_text_changed_without_save_is_rendered_afresh_never_served_stale(client, settings):
    settings.PAGE_CACHE = False
    article = make_article(body_en="Old *text*.")
    Article.objects.filter(pk=article.pk).update(body_en="New *words*.")
    bump_content_version()
    page = client.get(url_in(article, "en")).text
    assert "<em>words</em>" in page and "Old" not in page


def test_migration_fills_the_stored_html_of_rows_saved_before_it():
    article = make_article(body_en="Use *cream*.", body_it="Usa la *crema*.")
    procedure = make_procedure(risks_en="Rare *redness*.")
    saved = [article.rendered, procedure.rendered]
    Article.objects.update(rendered={})
    procedure._meta.model.objects.update(rendered={})
    migration = importlib.import_module("education.migrations.0015_stored_html")
    migration.fill_rendered(apps, None)
    for item, rendered in zip((article, procedure), saved, strict=True):
        item.refresh_from_db()
        assert item.rendered == rendered and rendered
