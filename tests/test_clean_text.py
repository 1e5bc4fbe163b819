"""Text is cleaned at the door: line ends normalised, control characters dropped, NUL refused, whoever writes it."""
import json
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from education import backup
from education.models import Clinic, Clinician, Topic, translated_text_fields
from education.text import clean_text

from .factories import make_article, make_clinic, make_clinician, make_image, make_topic
from .test_backup import empty_the_database
from .utils import form_data


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("pasted\x0bline\x0cpage\x85next\r\n", "pasted\nline\npage\nnext"),  # a word processor's line and page breaks
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("\n  surrounding space goes, as in every form \u3000\r\n", "surrounding space goes, as in every form"),
        ("bell\x07 escape\x1b del\x7f c1\x80\x9f.", "bell escape del c1."),
        ("not \ud800\ufffe\uffffcharacters", "not characters"),
        ("accents àé, emoji 😀, joiner \u200d, right-to-left \u202e, private \ue000", None),
    ],
)
def test_clean_text(typed, stored):
    assert clean_text(typed) == (typed if stored is None else stored)


def test_nul_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="NUL character"):
        clean_text("before\x00after")


def every_code_point_class():
    """One or more code points of every Unicode general category, from every plane that has one."""
    samples = {}
    for code in [*range(0x0, 0x3400), *range(0xA000, 0x11000), *range(0x1F000, 0x1F700), 0xE0001, 0xF0000, 0x10FFFD]:
        samples.setdefault(unicodedata.category(chr(code)), []).append(chr(code))
    text = "".join(chars[0] + chars[len(chars) // 2] + chars[-1] for chars in samples.values())
    assert {unicodedata.category(c) for c in text} >= {"Cc", "Cf", "Cn", "Co", "Cs", "Ll", "Lu", "Lo", "Mn", "Nd",
                                                       "Pd", "Sm", "So", "Zs", "Zl", "Zp"}
    return "\r\n" + text.replace("\x00", "").strip() + "\r"


@pytest.mark.django_db
def test_every_code_point_class_in_every_translated_field_survives_export_and_import(tmp_path):
    text = every_code_point_class()
    items = [make_article(status="draft"), make_topic(), make_clinician(), make_clinic(), make_image()]
    for item in items:
        model = type(item)
        fields = translated_text_fields(model)
        assert fields, model
        for name in fields:
            limit = model._meta.get_field(name).max_length
            setattr(item, name, text[:limit] if limit else text)
        item.save()
    expected = {
        (type(item), item.pk): {name: getattr(type(item).objects.get(pk=item.pk), name)
                                for name in translated_text_fields(type(item))}
        for item in items
    }
    for values in expected.values():
        for value in values.values():
            assert value and "\r" not in value and "\x0b" not in value and "\ud800" not in value

    archive = tmp_path / "backup.tar.gz"
    call_command("export_content", str(archive), verbosity=0)
    empty_the_database()
    call_command("import_content", str(archive), verbosity=0)
    for (model, pk), values in expected.items():
        restored = model.objects.get(pk=pk)
        assert {name: getattr(restored, name) for name in values} == values


@pytest.mark.django_db
def test_admin_stores_pasted_control_characters_clean_and_the_backup_still_works(admin_client, tmp_path):
    article = make_article(status="draft")
    url = reverse("admin:education_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text) | {
        "title_en": "Sun\x0bsafety", "body_en": "First line\x0bsecond line\x0c\r\nNext page\x1b.",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Sun\nsafety"
    assert article.body_en == "First line\nsecond line\n\nNext page."
    call_command("export_content", str(tmp_path / "backup"), verbosity=0)


@pytest.mark.django_db
def test_admin_unchanged_text_with_browser_line_ends_is_not_a_change(admin_client):
    """Browsers send a textarea's line ends as CRLF: that is not a change of the text (nor of its language)."""
    article = make_article(status="draft", body_en="one\ntwo", body_it="uno\ndue")
    stamped = article.text_changed_it
    url = reverse("admin:education_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text)
    data |= {"body_en": data["body_en"].replace("\n", "\r\n"), "body_it": data["body_it"].replace("\n", "\r\n"),
             "title_en": "New title"}
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.text_changed_it == stamped
    from reversion.models import Version

    comment = Version.objects.get_for_object(article).first().revision.comment
    assert "Title" in comment and "Body" not in comment


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "it"])
def test_admin_refuses_nul_with_a_message_in_the_editors_language_and_saves_nothing(admin_client, language):
    article = make_article(status="draft")
    url = reverse("admin:education_article_change", args=[article.pk])
    admin_client.cookies["django_language"] = language
    data = form_data(admin_client.get(url).text) | {"title_en": "Changed", "body_en": "Null\x00byte"}
    response = admin_client.post(url, data, headers={"accept-language": language})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body_en"]
    assert errors == [{"en": "Null characters are not allowed.", "it": "I caratteri null non sono ammessi."}[language]]
    article.refresh_from_db()
    assert article.title_en != "Changed"


@pytest.mark.django_db
def test_code_and_commands_that_save_get_clean_text_too():
    topic = Topic.objects.create(name_en="Skin\x0bcare\r\n", slug_en="skin", description_en="a\x1bb")
    topic.refresh_from_db()
    assert (topic.name_en, topic.description_en) == ("Skin\ncare", "ab")
    with pytest.raises(ValidationError) as refused:
        Clinician.objects.create(name="Dr\x00 Who", role_en="Dermatologist")
    assert "name" in refused.value.message_dict
    assert not Clinician.objects.exists()


@pytest.mark.django_db
def test_imported_fixtures_are_cleaned(tmp_path):
    fixture = tmp_path / "topic.json"
    fixture.write_text(json.dumps([{"model": "education.topic", "pk": 7, "fields": {
        "name_en": "Imported\u000b\u0007 name", "name_it": "Nome\r\nimportato", "slug_en": "imported", "order": 0,
        "version": 1, "updated_at": "2026-01-01T00:00:00Z",
    }}]))
    call_command("loaddata", str(fixture), verbosity=0)
    topic = Topic.objects.get(pk=7)
    assert (topic.name_en, topic.name_it) == ("Imported\n name", "Nome\nimportato")


@pytest.mark.django_db
def test_migration_cleans_text_already_stored(django_db_blocker):
    from importlib import import_module

    from django.apps import apps

    make_clinic()
    Clinic.objects.update(address_en="Via Roma 1\r\nMilano\x0c", name_it="Clinica\x1b")
    migration = import_module("education.migrations.0008_clean_stored_text")
    migration.clean_stored_text(apps, None)
    clinic = Clinic.objects.get()
    assert (clinic.address_en, clinic.name_it) == ("Via Roma 1\nMilano", "Clinica")
    assert backup.content_counts()["education.Clinic"] == 1


@pytest.mark.django_db
def test_passwords_are_posted_exactly_as_typed(client, django_user_model):
    django_user_model.objects.create_user("nurse", password=" odd\x0bpassword ", is_staff=True)
    response = client.post("/admin/login/", {"username": "nurse", "password": " odd\x0bpassword ", "next": "/admin/"})
    assert response.status_code == 302
