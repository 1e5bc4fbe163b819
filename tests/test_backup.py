"""export_content and import_content round-trip every field in both languages and every media file byte for byte."""
import datetime
import json
import os

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from education import backup
from education.models import Article, Image, ProcedureNote

from .factories import make_image, make_article, make_clinic, make_faq, make_page, make_procedure, make_source, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_files():
    """Two real images (originals and renditions) in the test's media folder: {storage name: bytes}."""
    files = {}
    for image in (make_image(), make_image(640, 480, "PNG")):
        for name in image.stored_names():
            with default_storage.open(name, "rb") as stored:
                files[name] = stored.read()
    return files


def make_content():
    topic = make_topic(description_en="Sun and skin.", description_it="Sole e pelle.")
    procedure = make_procedure(
        topics=[topic],
        **{f"{field}_{language}": f"{field} {language} text" for field in ("duration", "numbing", "how_it_works",
                                                                             "aftercare", "results")
           for language in ("en", "it")},
    )
    article = make_article(topics=[topic], body_en="## Heading\n\n- one\n- two", body_it="Testo *italiano*.")
    article.procedures.add(procedure)
    article.sources.add(make_source(), make_source(year=None, url=""))
    make_faq(topic=topic, article=article, procedure=procedure)
    make_page(summary_en="About.", summary_it="Chi siamo.", status="draft")
    make_article(title_en="Scheduled", publish_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    first, second = Image.objects.order_by("pk")
    Article.objects.filter(pk=article.pk).update(image=first)
    ProcedureNote.objects.filter(pk=procedure.pk).update(image=second)
    make_clinic(address_en="Via Roma 1\nMilano", address_it="Via Roma 1\nMilano", opening_hours_it="9–17")


def snapshot():
    """Every concrete field value and every many-to-many link of every education model, in a comparable form."""
    data = {}
    for model in backup.content_models():
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
            row |= {field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
                    for field in model._meta.many_to_many}
            rows.append(row)
        data[model._meta.label] = rows
    return data


def empty_the_database():
    """Delete all content, retrying models that other content still protects."""
    remaining = backup.content_models()
    for _attempt in range(len(remaining) + 1):
        for model in list(remaining):
            try:
                with transaction.atomic():
                    model._base_manager.all().delete()
                remaining.remove(model)
            except (ProtectedError, IntegrityError):
                pass
    assert not remaining


def test_round_trip_keeps_every_field_and_every_media_byte(tmp_path, image_files):
    make_content()
    before = snapshot()
    assert before["education.Article"] and before["education.Clinician"]
    archive = tmp_path / "backup.tar.gz"
    call_command("export_content", str(archive), verbosity=0)

    empty_the_database()
    for name in image_files:
        default_storage.delete(name)
    assert sum(backup.content_counts().values()) == 0

    call_command("import_content", str(archive), verbosity=0)
    assert snapshot() == before
    for name, data in image_files.items():
        with default_storage.open(name, "rb") as restored:
            assert restored.read() == data, name
    article = Article.objects.get(pk=before["education.Article"][0]["id"])
    assert article.body_it == before["education.Article"][0]["body_it"]
    assert article.reviewed_by_id and article.last_reviewed


@pytest.mark.parametrize("target", ["backup-dir", "backup.zip"])
def test_directory_and_zip_backups_round_trip_too(tmp_path, image_files, target):
    make_content()
    before = snapshot()
    call_command("export_content", str(tmp_path / target), verbosity=0)
    empty_the_database()
    call_command("import_content", str(tmp_path / target), verbosity=0)
    assert snapshot() == before


def test_import_refuses_a_database_that_has_content(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    before = snapshot()
    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert snapshot() == before


def test_damaged_media_file_restores_nothing(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    (tmp_path / "b" / "media" / sorted(image_files)[0]).write_bytes(b"tampered")
    empty_the_database()
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert sum(backup.content_counts().values()) == 0


def test_failure_midway_leaves_the_database_and_storage_as_they_were(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    empty_the_database()
    for name in image_files:
        default_storage.delete(name)
    # A different file already sits under the last name: the restore stops there and undoes the rest.
    last = sorted(image_files)[-1]
    default_storage.save(last, ContentFile(b"someone else's file"))
    with pytest.raises(CommandError, match="different file"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert sum(backup.content_counts().values()) == 0
    assert [name for name in image_files if default_storage.exists(name)] == [last]


def test_dry_run_checks_and_keeps_nothing(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    empty_the_database()
    call_command("import_content", str(tmp_path / "b"), "--dry-run", verbosity=0)
    assert sum(backup.content_counts().values()) == 0


def test_export_refuses_to_overwrite(tmp_path, image_files):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_content", str(tmp_path / "b"), verbosity=0)
    assert (tmp_path / "b" / "old.txt").read_text() == "keep me"


def test_users_and_roles_come_along_only_when_asked(tmp_path, image_files):
    make_content()
    editor = User.objects.create_user("editor", password="a-long-editor-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    call_command("export_content", str(tmp_path / "with"), "--with-users", verbosity=0)
    call_command("export_content", str(tmp_path / "without"), verbosity=0)
    assert not (tmp_path / "without" / "users.xml").exists()
    password_hash = editor.password

    empty_the_database()
    User.objects.all().delete()
    call_command("import_content", str(tmp_path / "with"), verbosity=0)
    restored = User.objects.get(username="editor")
    assert restored.password == password_hash
    assert list(restored.groups.values_list("name", flat=True)) == ["Editors"]


def test_import_refuses_users_over_existing_accounts(tmp_path):
    User.objects.create_user("someone", password="x")
    call_command("export_content", str(tmp_path / "b"), "--with-users", verbosity=0)
    with pytest.raises(CommandError, match="--without-users"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    call_command("import_content", str(tmp_path / "b"), "--without-users", verbosity=0)


def test_manifest_lists_counts_and_checksums(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["format"] == backup.FORMAT
    assert manifest["counts"]["education.Article"] == Article.objects.count()
    assert sorted(manifest["media"]) == sorted(image_files)


def test_not_a_backup_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CommandError, match="neither a backup directory"):
        call_command("import_content", str(tmp_path / "notes.txt"), verbosity=0)
    with pytest.raises(CommandError, match="no readable manifest"):
        call_command("import_content", str(tmp_path), verbosity=0)


def test_staff_rules_replace_the_shipped_ones_of_a_freshly_migrated_database(tmp_path, image_files):
    from education.quality import find_risky_claims
    from education.rules import ClaimRule, ClaimRulesVersion, seed_shipped_rules

    make_content()
    ClaimRule.objects.filter(language="en", pattern="miracle").update(active=False)
    ClaimRule.objects.create(language="en", category="promise", pattern="skin like new", reason="r", suggestion="s")
    before = snapshot()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    empty_the_database()
    seed_shipped_rules(ClaimRule, ClaimRulesVersion)  # what migrate leaves in a new database
    assert find_risky_claims("A miracle.", "en")

    call_command("import_content", str(tmp_path / "b"), verbosity=0)

    assert snapshot() == before
    assert find_risky_claims("A miracle.", "en") == []
    assert [c.phrase for c in find_risky_claims("You get skin like new.", "en")] == ["skin like new"]
