"""export_content and import_content round-trip every field in both languages and every media file byte for byte."""
import datetime
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from reversion.models import Revision, Version

from education import backup
from education.models import Article, ProcedureNote
from images.models import Image

from .factories import (
    make_article,
    make_clinic,
    make_faq,
    make_image,
    make_page,
    make_procedure,
    make_source,
    make_topic,
)
from .utils import form_data

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


def test_history_comes_back_with_its_comments_and_who_saved(tmp_path, admin_client, admin_user):
    article = make_article(status="draft", title_en="First title")
    url = f"/admin/education/article/{article.pk}/change/"
    for title in ("Second title", "Third title"):
        response = admin_client.post(url, form_data(admin_client.get(url).text) | {"title_en": title})
        assert response.status_code == 302
    history = [(v.revision.comment, v.revision.user.username, v.field_dict["title_en"])
               for v in Version.objects.get_for_object(article)]
    assert len(history) == 2 and history[0][2] == "Third title" and "Title" in history[0][0]
    call_command("export_content", str(tmp_path / "b.tar.gz"), "--with-users", verbosity=0)

    empty_the_database()
    User.objects.all().delete()
    assert not Version.objects.exists()
    call_command("import_content", str(tmp_path / "b.tar.gz"), verbosity=0)
    restored = [(v.revision.comment, v.revision.user.username, v.field_dict["title_en"])
                for v in Version.objects.get_for_object(Article.objects.get(pk=article.pk))]
    assert restored == history
    admin_client.force_login(User.objects.get(username=admin_user.username))
    page = admin_client.get(f"{url.removesuffix('change/')}history/").text
    assert history[0][0] in page and admin_user.username in page


def test_history_without_users_links_to_the_accounts_already_there(tmp_path, admin_client, admin_user):
    article = make_article(status="draft")
    url = f"/admin/education/article/{article.pk}/change/"
    assert admin_client.post(url, form_data(admin_client.get(url).text)).status_code == 302
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    empty_the_database()
    call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert Version.objects.get().revision.user == admin_user

    empty_the_database()
    User.objects.all().delete()
    with pytest.raises(CommandError, match=f"staff accounts this database does not have \\({admin_user.username}\\)"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert not Version.objects.exists()


def test_every_backed_up_file_is_in_the_checksums(tmp_path, image_files):
    make_content()
    call_command("export_content", str(tmp_path / "b"), "--with-users", verbosity=0)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    on_disk = {str(p.relative_to(tmp_path / "b")) for p in (tmp_path / "b").rglob("*") if p.is_file()}
    listed = {*manifest["files"], *(f"media/{name}" for name in manifest["media"])}
    assert on_disk - {"manifest.json"} == listed
    assert manifest["counts"]["reversion.Revision"] == Revision.objects.count()


@pytest.mark.parametrize("data_file", ["content.xml", "users.xml"])
def test_a_changed_data_file_is_refused(tmp_path, data_file):
    make_article()
    call_command("export_content", str(tmp_path / "b"), "--with-users", verbosity=0)
    path = tmp_path / "b" / data_file
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 1
    path.write_bytes(bytes(damaged))
    empty_the_database()
    User.objects.all().delete()
    with pytest.raises(CommandError, match=f"{data_file} is damaged"):
        call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert sum(backup.content_counts().values()) == 0


def tar_with(path, add):
    with tarfile.open(path, "w:gz") as tar:
        add(tar)


def refusals(tmp_path):
    """A hostile or broken backup archive per reason, each built from a good backup directory."""
    make_article()
    good = tmp_path / "good"
    call_command("export_content", str(good), verbosity=0)

    def plain(tar):
        tar.add(good, arcname=".")

    def member(tar, info, data=b""):
        tar.addfile(info, io.BytesIO(data))

    def outside(tar):
        plain(tar)
        member(tar, tarfile.TarInfo("../escaped.txt"))

    def absolute(tar):
        plain(tar)
        member(tar, tarfile.TarInfo("/tmp/escaped.txt"))

    def link(tar):
        plain(tar)
        info = tarfile.TarInfo("media/passwd")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        member(tar, info)

    def missing(tar):
        for path in good.rglob("*"):
            if path.name != "content.xml":
                tar.add(path, arcname=str(path.relative_to(good)), recursive=False)

    def damaged(tar):
        for path in good.rglob("*"):
            if path.name == "content.xml":
                data = path.read_bytes().replace(b"Article", b"Articel")
                info = tarfile.TarInfo("content.xml")
                info.size = len(data)
                member(tar, info, data)
            else:
                tar.add(path, arcname=str(path.relative_to(good)), recursive=False)

    def future(tar):
        manifest = json.loads((good / "manifest.json").read_text()) | {"format": 99}
        data = json.dumps(manifest).encode()
        for path in good.rglob("*"):
            if path.name != "manifest.json":
                tar.add(path, arcname=str(path.relative_to(good)), recursive=False)
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        member(tar, info, data)

    cases = {
        "points outside the archive": outside,
        "points outside the archive ": absolute,
        "is a link": link,
        "does not contain it": missing,
        "checksum differs": damaged,
        "format 99": future,
    }
    archives = {}
    for number, (reason, build) in enumerate(cases.items()):
        archive = tmp_path / f"case{number}.tar.gz"
        tar_with(archive, build)
        archives[reason.strip()] = archives.get(reason.strip(), []) + [archive]
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes((tmp_path / "case0.tar.gz").read_bytes()[:200])
    archives["not a readable archive"] = [truncated]
    return archives


def test_each_refused_archive_says_why_in_one_line_and_writes_nothing(tmp_path):
    for reason, archives in refusals(tmp_path).items():
        for archive in archives:
            empty_the_database()
            with pytest.raises(CommandError) as refused:
                call_command("import_content", str(archive), verbosity=0)
            message = str(refused.value)
            assert reason in message and "\n" not in message, (archive, message)
            assert sum(backup.content_counts().values()) == 0
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_refusal_from_the_command_line_is_one_line_and_a_failure_exit(tmp_path):
    archives = refusals(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_SETTINGS_MODULE": "clinic.test_settings", "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    for reason in ("is a link", "checksum differs", "format 99"):
        result = subprocess.run([sys.executable, "manage.py", "import_content", str(archives[reason][0])],
                                cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True)
        assert result.returncode != 0
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0], result.stderr


@pytest.mark.parametrize(("member", "reason"), [
    ("../escaped.txt", "points outside the archive"),
    ("/etc/cron.d/escaped", "points outside the archive"),
    ("C:/escaped.txt", "points outside the archive"),
    ("media/link", "is a link"),
])
def test_zip_archives_are_checked_member_by_member_too(tmp_path, member, reason):
    import zipfile

    make_article()
    call_command("export_content", str(tmp_path / "good"), verbosity=0)
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as package:
        for path in (tmp_path / "good").rglob("*"):
            if path.is_file():
                package.write(path, str(path.relative_to(tmp_path / "good")))
        info = zipfile.ZipInfo(member)
        if reason == "is a link":
            info.external_attr = 0o120777 << 16
        package.writestr(info, "/etc/passwd")
    empty_the_database()
    with pytest.raises(CommandError, match=reason):
        call_command("import_content", str(archive), verbosity=0)
    assert sum(backup.content_counts().values()) == 0


def test_a_format_1_backup_from_before_history_was_kept_still_restores(tmp_path):
    make_article(title_en="Old backup")
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for key in ("files", "usernames"):
        del manifest[key]
    manifest["format"] = 1
    manifest_path.write_text(json.dumps(manifest))
    empty_the_database()
    call_command("import_content", str(tmp_path / "b"), verbosity=0)
    assert Article.objects.get().title_en == "Old backup"


def test_a_backup_from_before_images_had_their_own_app_still_restores(tmp_path, image_files):
    make_content()
    before = snapshot()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    content = tmp_path / "b" / "content.xml"
    text = content.read_text()
    assert 'model="images.image"' in text
    # What a backup written while Image was education's model holds.
    content.write_text(
        text.replace('model="images.image"', 'model="education.image"').replace(
            "<natural>images</natural><natural>image</natural>", "<natural>education</natural><natural>image</natural>"
        )
    )
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["content.xml"] = backup._sha256(io.BytesIO(content.read_bytes()))
    manifest_path.write_text(json.dumps(manifest))
    empty_the_database()

    call_command("import_content", str(tmp_path / "b"), verbosity=0)

    assert Image.objects.exists()
    assert snapshot() == before


def test_staff_rules_replace_the_shipped_ones_of_a_freshly_migrated_database(tmp_path, image_files):
    from education.quality import find_risky_claims
    from education.rules import ClaimRule, seed_shipped_rules

    make_content()
    ClaimRule.objects.filter(language="en", pattern="miracle").update(active=False)
    ClaimRule.objects.create(language="en", category="promise", pattern="skin like new", reason="r", suggestion="s")
    before = snapshot()
    call_command("export_content", str(tmp_path / "b"), verbosity=0)
    empty_the_database()
    seed_shipped_rules(ClaimRule)  # what migrate leaves in a new database
    assert find_risky_claims("A miracle.", "en")

    call_command("import_content", str(tmp_path / "b"), verbosity=0)

    assert snapshot() == before
    assert find_risky_claims("A miracle.", "en") == []
    assert [c.phrase for c in find_risky_claims("You get skin like new.", "en")] == ["skin like new"]
