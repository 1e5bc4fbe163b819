"""Export all patient content (both languages, review records, history, media files) and restore it into an empty
database. Used by the export_content and import_content management commands; README "Backup and restore" explains.

A backup is a directory, or a .tar.gz / .zip archive of one, holding:
  manifest.json  format, when, what (counts per model) and the SHA-256 of every media file
  content.xml   dumpdata of the education app: every model, every language, review records, history if kept
  users.xml     staff accounts and roles (only with --with-users): password hashes, so keep backups safe
  media/         every file a FileField of an education model points at, under its storage name
"""
import datetime
import hashlib
import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction

from .models import Image
from .rules import bump_rules_version

FORMAT = 1
ARCHIVE_FORMATS = {".tar.gz": "gztar", ".tgz": "gztar", ".zip": "zip"}


# Derived, never backed up: the search index is rebuilt as the content loads; the rules' version token is new.
DERIVED = {"searchdocument", "claimrulesversion"}
# What a freshly migrated database already holds (the shipped claim rules): a backup's own rows replace it.
STARTING_DATA = {"education.ClaimRule"}


def content_models():
    return [model for model in apps.get_app_config("education").get_models() if model._meta.model_name not in DERIVED]


def referenced_media():
    """Storage names of every file a FileField of an education model points at, and every image's renditions."""
    names = set()
    for model in content_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(name for name in model._base_manager.values_list(field.attname, flat=True) if name)
    for image in Image.objects.only("file", "renditions"):
        names.update(image.stored_names())
    return sorted(names)


def content_counts():
    return {model._meta.label: model._base_manager.count() for model in content_models()}


def _archive_format(path):
    return next((fmt for suffix, fmt in ARCHIVE_FORMATS.items() if str(path).endswith(suffix)), None)


def _sha256(stream):
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _inside(root, name):
    """`root/name`, refusing a name that would climb out of `root`."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise CommandError(f"Refusing the media file name {name!r}: it points outside the backup.")
    return path


def export_content(target, *, with_users=False):
    """Write a backup to `target` (a new directory, or an archive path); return its manifest."""
    target = Path(target)
    archive = _archive_format(target)
    if target.exists() and (archive or any(target.iterdir())):
        raise CommandError(f"{target} already exists and is not empty: choose a new name, nothing was written.")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "backup" if archive else target
        root.mkdir(parents=True, exist_ok=True)
        # One transaction, so the content and the list of its media files describe the same moment.
        with transaction.atomic():
            # XML, not JSON: Django's JSON encoder cuts times to milliseconds, XML keeps every microsecond.
            call_command("dumpdata", "education", exclude=["education.SearchDocument"], format="xml",
                         output=root / "content.xml", indent=1,
                         use_natural_foreign_keys=True, verbosity=0)
            if with_users:
                call_command("dumpdata", "auth.group", "auth.user", format="xml", output=root / "users.xml",
                             indent=1, use_natural_foreign_keys=True, use_natural_primary_keys=True, verbosity=0)
            counts = content_counts()
            media = {}
            for name in referenced_media():
                destination = _inside(root / "media", name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(name, "rb") as source, open(destination, "wb") as copy:
                    shutil.copyfileobj(source, copy)
                with open(destination, "rb") as copy:
                    media[name] = _sha256(copy)
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "counts": counts,
            "users": with_users,
            "media": media,
        }
        (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if archive:
            suffix = next(s for s in ARCHIVE_FORMATS if str(target).endswith(s))
            shutil.make_archive(str(target)[: -len(suffix)], archive, root_dir=root)
            if suffix == ".tgz":
                Path(str(target)[: -len(suffix)] + ".tar.gz").rename(target)
    return manifest


@contextmanager
def _opened(source):
    """The backup at `source` as a directory, unpacking an archive into a temporary one first."""
    source = Path(source)
    if source.is_dir():
        yield source
        return
    archive = _archive_format(source)
    if not source.is_file() or not archive:
        raise CommandError(f"{source} is neither a backup directory nor a .tar.gz or .zip backup archive.")
    with tempfile.TemporaryDirectory() as scratch:
        # The "data" filter refuses archive members that would land outside the folder (absolute paths, "..").
        shutil.unpack_archive(source, scratch, archive, **({"filter": "data"} if archive == "gztar" else {}))
        yield Path(scratch)


def import_content(source, *, with_users=True, dry_run=False):
    """Restore the backup at `source` into an empty database, all or nothing; return its manifest."""
    with _opened(source) as root:
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{source} has no readable manifest.json, so it is not a backup: {error}") from error
        if manifest.get("format") != FORMAT:
            found = manifest.get("format")
            raise CommandError(f"{source} is a backup of format {found!r}; this portal reads format {FORMAT}.")
        present = {label: count for label, count in content_counts().items() if count and label not in STARTING_DATA}
        if present:
            listed = ", ".join(f"{count} {label}" for label, count in present.items())
            raise CommandError(
                f"The database already holds content ({listed}). import_content restores only into an empty "
                "database, so nothing is overwritten or mixed: run it on a freshly migrated database."
            )
        load_users = with_users and (root / "users.xml").exists()
        User = get_user_model()
        if load_users and User.objects.exists():
            raise CommandError(
                "The database already has user accounts, and the backup has its own. Restore into a database "
                "without users, or pass --without-users to restore the content alone."
            )
        media = manifest.get("media", {})
        for name, digest in media.items():
            path = _inside(root / "media", name)
            if not path.is_file():
                raise CommandError(f"The backup lists the media file {name!r} but does not contain it.")
            with open(path, "rb") as stream:
                if _sha256(stream) != digest:
                    raise CommandError(f"The media file {name!r} in the backup is damaged (its checksum differs).")

        written = []
        try:
            with transaction.atomic():
                if load_users:
                    call_command("loaddata", root / "users.xml", verbosity=0)
                for label in STARTING_DATA:
                    if manifest["counts"].get(label):
                        apps.get_model(label).objects.all().delete()
                if any(manifest["counts"].values()):
                    call_command("loaddata", root / "content.xml", verbosity=0)
                    bump_rules_version()  # loaddata skips save(): every process recompiles the restored rules
                if dry_run:
                    transaction.set_rollback(True)
                    return manifest
                for name in media:
                    if _copy_media(root, name):
                        written.append(name)
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    return manifest


def _copy_media(root, name):
    """Put one media file into storage under its own name; True when it was written (not already there)."""
    path = _inside(root / "media", name)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as present, open(path, "rb") as wanted:
            if _sha256(present) == _sha256(wanted):
                return False
        raise CommandError(f"The media storage already has a different file named {name!r}; nothing was restored.")
    with open(path, "rb") as stream:
        saved = default_storage.save(name, File(stream, name=name))
    if saved != name:
        default_storage.delete(saved)
        raise CommandError(f"The media storage renamed {name!r} to {saved!r}; nothing was restored.")
    return True
