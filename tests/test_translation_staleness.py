"""Translations that fall behind: edit one language, the others are flagged, mark them current, nothing is flagged.

A language records which version of the other languages it was made from, so "up to date" means "matches that
version": content loaded from a fixture (no stamps) is flagged after an edit, and marking one language current
does not move the flag to another.
"""
import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from education.models import FAQ, Article, Page, ProcedureNote

from .factories import make_article, make_faq
from .test_content_quality import reviewer  # noqa: F401 (a clinical reviewer signed in to the admin)

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES]
NOTICE = {"en": "was updated more recently", "it": "è stata aggiornata più di recente"}


def flagged(item):
    item.refresh_from_db()
    model = type(item)
    by_queryset = {code for code in LANGUAGES if model.objects.needing_update(code).filter(pk=item.pk).exists()}
    by_item = {code for code in LANGUAGES if item.needs_update(code)}
    assert by_queryset == by_item  # the change list filter and the item agree
    return by_item


def edit(item, language):
    field = {"Article": "body", "ProcedureNote": "what_it_is", "FAQ": "answer", "Page": "body"}[type(item).__name__]
    setattr(item, f"{field}_{language}", f"{getattr(item, f'{field}_{language}')}\n\nOne more sentence ({language}).")
    item.save()


def mark_current(client, item, language):
    changelist = reverse(f"admin:education_{item._meta.model_name}_changelist")
    response = client.post(changelist, {"action": f"mark_current_{language}", "_selected_action": [item.pk]})
    assert response.status_code == 302


def notice_on_page(client, item, language):
    client.logout()
    with translation.override(language):
        url = item.get_absolute_url()
    page = BeautifulSoup(client.get(url).text, "html.parser")
    return NOTICE[language] in page.get_text(" ", strip=True)


def cycle(client, user, item):
    """Edit each language in turn; every other language is flagged until it is marked current."""
    assert flagged(item) == set()
    for edited in LANGUAGES:
        edit(item, edited)
        others = set(LANGUAGES) - {edited}
        assert flagged(item) == others, edited
        for other in others:
            mark_current(client, item, other)
        assert flagged(item) == set(), edited


@pytest.mark.parametrize("model", [Article, ProcedureNote, FAQ, Page])
def test_staleness_cycle_on_demo_content(client, reviewer, model):
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)  # signed as it loads
    for item in model.objects.all():
        cycle(client, reviewer, item)


def test_staleness_cycle_on_new_content(client, reviewer):
    for item in (make_article(), make_faq()):
        cycle(client, reviewer, item)


def test_the_patient_page_says_so_until_the_translation_is_marked_current(client, reviewer):
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)  # signed as it loads
    article = Article.objects.get(pk=1)
    edit(article, "en")
    assert notice_on_page(client, article, "it") and not notice_on_page(client, article, "en")

    client.force_login(reviewer)
    mark_current(client, article, "it")
    assert not notice_on_page(client, article, "it") and not notice_on_page(client, article, "en")


def test_a_translator_who_updates_the_text_clears_the_flag_without_flagging_the_other_language():
    article = make_article()
    edit(article, "en")
    assert flagged(article) == {"it"}
    edit(article, "it")  # the Italian catches up with the English
    assert flagged(article) == set()
    edit(article, "it")  # a new change in Italian puts English behind
    assert flagged(article) == {"en"}


def test_a_language_added_later_is_not_behind_and_puts_nothing_behind():
    article = make_article(title_it="", slug_it=None, summary_it="", body_it="")
    assert flagged(article) == set()
    article.title_it, article.slug_it, article.summary_it, article.body_it = "Titolo", "titolo", "Breve.", "Testo."
    article.save()
    assert flagged(article) == set()


def test_the_data_migration_stamps_existing_content_and_keeps_todays_flags(time_machine):
    migration = importlib.import_module("education.migrations.0006_clinic_statement_translation_versions")
    current, behind, unstamped = make_article(), make_article(), make_article()
    earlier, later = "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z"
    Article.objects.filter(pk=current.pk).update(text_changed_en=earlier, text_changed_it=earlier)
    Article.objects.filter(pk=behind.pk).update(text_changed_en=later, text_changed_it=earlier)
    Article.objects.filter(pk=unstamped.pk).update(text_changed_en=None, text_changed_it=None)
    Article.objects.update(text_version_en=0, text_version_it=0, made_from_en=0, made_from_it=0)

    migration.stamp_translation_versions(apps, None)

    assert flagged(current) == set() and flagged(behind) == {"it"} and flagged(unstamped) == set()
    assert Article.objects.filter(text_version_en=1, text_version_it=1).count() == 3
    edit(unstamped, "it")  # once stamped, content saved before the stamps existed is flagged like any other
    assert flagged(unstamped) == {"en"}
