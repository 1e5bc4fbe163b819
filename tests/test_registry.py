"""The content-type registry: every kind of patient content is in it, and everything that lists kinds reads it."""
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from modeltranslation.translator import translator

from education import registry
from education.models import Article, Page, Publishable, Status
from education.registry import ContentType, SearchFields, SitemapEntry
from education.roles import sync_roles
from education.sitemaps import SITEMAPS
from feedback.models import feedback_models
from search import engine as search

from .factories import make_page, make_staff


def test_every_publishable_model_is_registered():
    publishable = {
        model for model in apps.get_models() if issubclass(model, Publishable) and not model._meta.abstract
    }
    assert publishable == set(registry.models())


@pytest.mark.parametrize("entry", registry.content_types(), ids=lambda entry: entry.model_name)
def test_each_type_translates_what_the_workflow_needs(entry):
    assert registry.missing_translations(entry) == []


def test_a_type_that_forgets_text_changed_is_caught(monkeypatch):
    options = translator.get_options_for_model(Article)
    monkeypatch.setattr(options, "fields", tuple(name for name in options.fields if name != "text_changed"))
    assert registry.missing_translations(registry.for_model(Article)) == ["text_changed"]


# A throwaway type: the pages about the service, registered again under a test entry that search indexes and the
# sitemap lists in a section of its own. Every reader below sees it only through the registry.
THROWAWAY = ContentType(
    Page,
    "education:page",
    search=SearchFields("throwaway", "About us", "title", ("summary",), ("body",), frozenset({"body"})),
    sitemap=SitemapEntry("throwaway", priority=0.3),
)


@pytest.fixture
def throwaway():
    with registry.registered(THROWAWAY, replacing=Page):
        yield THROWAWAY


@pytest.mark.django_db
def test_a_registered_type_is_searched(throwaway):
    page = make_page(title_en="Our quokka policy", body_en="How we write about quokkas.")
    hits = list(search.search("quokka", "en").page)
    found = [(hit.kind, hit.title, hit.url) for hit in hits]
    assert found == [("throwaway", "Our quokka policy", page.get_absolute_url())]
    assert hits[0].label == "About us"


@pytest.mark.django_db
def test_an_unregistered_type_is_not_searched():
    make_page(title_en="Our quokka policy", body_en="How we write about quokkas.")
    assert list(search.search("quokka", "en").page) == []


@pytest.mark.django_db
def test_a_registered_type_is_in_the_sitemap(client, throwaway):
    page = make_page(title_en="Sitemap page")
    assert "throwaway" in SITEMAPS and "about" not in SITEMAPS
    text = client.get("/sitemap.xml").text
    assert page.get_absolute_url() in text
    assert "<priority>0.3</priority>" in text


@pytest.mark.django_db
def test_roles_follow_the_registry(throwaway):
    sync_roles()
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_page").exists()
    with registry.registered(ContentType(Article, "education:article"), replacing=Page):
        sync_roles()
        assert not editors.permissions.filter(codename="change_page").exists()
        assert not Group.objects.get(name="Clinical reviewers").permissions.filter(codename="publish_page").exists()
    sync_roles()
    assert Group.objects.get(name="Clinical reviewers").permissions.filter(codename="publish_page").exists()


@pytest.mark.django_db
def test_a_registered_type_is_listed_when_its_review_is_due(client, throwaway):
    make_page(title_en="Never reviewed page", status=Status.REVIEW)
    out = StringIO()
    call_command("review_due", stdout=out)
    assert "Never reviewed page" in out.getvalue()
    reviewer = make_staff("rev-registry", "Clinical reviewers")
    client.force_login(reviewer)
    assert "Never reviewed page" in client.get(reverse("admin:review_due")).text
    with registry.registered(ContentType(Article, "education:article"), replacing=Page):
        out = StringIO()
        call_command("review_due", stdout=out)
        assert "Never reviewed page" not in out.getvalue()
        assert Page not in feedback_models()
