"""The demo content loads, is complete in both languages, and loading it again duplicates nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from education.models import FAQ, Article, Clinic, Clinician, ProcedureNote, Source, Topic

pytestmark = pytest.mark.django_db
MODELS = [Article, ProcedureNote, FAQ, Topic, Clinician, Source, Clinic]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_fixture_loads_twice_without_duplicates():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    first = counts()
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    assert counts() == first
    assert first["Article"] >= 2 and first["ProcedureNote"] >= 1 and first["FAQ"] >= 6


def test_demo_items_are_complete_in_both_languages():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    for model in (Article, ProcedureNote, FAQ):
        for item in model.objects.all():
            assert item.missing_languages() == [], item
            assert item.is_public and item.reviewed_by and item.next_review_due


def test_demo_content_corrects_the_seeds():
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    text = " ".join(
        str(value).lower()
        for model in (Article, ProcedureNote, FAQ)
        for item in model.objects.all()
        for value in vars(item).values()
        if isinstance(value, str)
    )
    assert "no side effects" not in text
    assert "off-label" in text
    assert "112" in text
    assert "clostridium botulinum" in text  # named as the bacterium that makes the toxin


def test_load_demo_is_idempotent_and_creates_accounts(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    first = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == first
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "editor", "reviewer"]
    assert all(u.check_password("demo") for u in users)
    assert users.get(username="admin").is_superuser
    assert users.get(username="editor").groups.get().name == "Editors"


def test_load_demo_never_creates_accounts_with_debug_off(settings):
    settings.DEBUG = False
    call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.exists()
    assert Article.objects.exists()
