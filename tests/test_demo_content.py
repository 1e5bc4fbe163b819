"""The demo content loads, is complete in both languages, and loading it again duplicates nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from education.models import FAQ, Article, Clinic, Clinician, ProcedureNote, Source, Topic

pytestmark = pytest.mark.django_db
MODELS = [Article, ProcedureNote, FAQ, Topic, Clinician, Source, Clinic]


def load_demo():
    """The demo content as load_demo loads it (the fixture holds text; approvals are recorded as it loads)."""
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_fixture_loads_twice_without_duplicates():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    assert first["Article"] >= 2 and first["ProcedureNote"] >= 1 and first["FAQ"] >= 6


def test_demo_items_are_complete_in_both_languages():
    load_demo()
    for model in (Article, ProcedureNote, FAQ):
        for item in model.objects.all():
            assert item.missing_languages() == [], item
            assert item.is_public and item.reviewed_by and item.next_review_due


def test_demo_content_corrects_the_seeds():
    load_demo()
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


def test_load_demo_refuses_with_debug_off_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG is off"):
        call_command("load_demo", verbosity=0)
    assert not Article.objects.exists() and not Clinician.objects.exists()
    call_command("load_demo", "--allow-without-debug", verbosity=0)
    assert not get_user_model().objects.exists()
    assert Article.objects.exists()


def test_demo_content_is_signed_by_a_demo_clinician_who_cannot_sign_on_a_live_portal(settings):
    from education import services

    from .factories import make_staff

    settings.DEBUG = False
    load_demo()
    for model in (Article, ProcedureNote, FAQ):
        for item in model.objects.published():  # signed as loaded, image included: nothing reads as changed since
            assert set(item.approved_languages()) == {"en", "it"}, item
    article = Article.objects.published().first()
    assert {a.language for a in article.approvals()} == {"en", "it"}
    assert all(a.clinician.demo for a in article.approvals())
    user = make_staff("signer", "Clinical reviewers")
    Clinician.objects.filter(demo=True).update(user=user)
    services.save_changes(item=article, user=user, values={"body_en": article.body_en + " More."})
    with pytest.raises(ValidationError, match="demo clinician"):
        services.approve(item=article, user=user, language="en", seen=article.digest("en"))
