"""What every page shows (the clinic, the footer's pages) is kept per process, language and site version: a change
reaches the next page at once, even with the page cache off, and each language gets its own copy."""
import pytest
from django.conf import settings
from django.utils import translation

from education import cache as content_cache
from education.models import Clinic

from .factories import make_article, make_clinic, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE = False


def page_text(client, item, language):
    with translation.override(language):
        response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    return response.text


def test_a_clinic_edit_reaches_the_next_page_in_every_language(client):
    clinic = make_clinic(phone="+39 02 0000 0001")
    article = make_article()
    for code, _name in settings.LANGUAGES:
        assert "+39 02 0000 0001" in page_text(client, article, code)
    clinic.phone = "+39 02 0000 0002"
    clinic.save()
    for code, _name in settings.LANGUAGES:
        text = page_text(client, article, code)
        assert "+39 02 0000 0002" in text and "+39 02 0000 0001" not in text


def test_a_write_without_signals_reaches_pages_once_the_site_version_moves(client):
    make_clinic(phone="+39 02 0000 0001")
    article = make_article()
    assert "+39 02 0000 0001" in page_text(client, article, settings.LANGUAGE_CODE)
    Clinic.objects.update(phone="+39 02 0000 0003")
    content_cache.bump_content_version()
    assert "+39 02 0000 0003" in page_text(client, article, settings.LANGUAGE_CODE)


def test_the_footer_lists_its_pages_in_each_languages_order(client):
    make_clinic()
    # Titles that sort one way in one language and the other way in the next.
    names = [chr(ord("A") + i) for i in range(len(settings.LANGUAGES))]
    pages = []
    for n, first in enumerate(names):
        titles = {}
        for position, (code, _name) in enumerate(settings.LANGUAGES):
            letter = first if position % 2 == 0 else names[-1 - n]
            titles[f"title_{code}"] = f"{letter} footer page {code}"
        pages.append(make_page(**titles))
    article = make_article()
    for code, _name in settings.LANGUAGES:
        text = page_text(client, article, code)
        shown = sorted(pages, key=lambda page: text.index(getattr(page, f"title_{code}")))
        assert [getattr(page, f"title_{code}") for page in shown] == sorted(
            getattr(page, f"title_{code}") for page in pages
        )


def test_only_the_newest_copies_are_kept(client):
    make_clinic()
    article = make_article()
    for _ in range(content_cache.KEPT_ENTRIES + 5):
        content_cache.bump_content_version()
        page_text(client, article, settings.LANGUAGE_CODE)
    assert 0 < len(content_cache._kept) <= content_cache.KEPT_ENTRIES
