"""Export all patient content (both languages, review records, history, media files) and restore it into an empty
database. Used by the export_content and import_content management commands; README "Backup and restore" explains.

A backup is a directory, or a .tar.gz / .zip archive of one, holding:
  manifest.json  format, when, what (counts per model), the staff accounts the records name, and the SHA-256 of
                 every other file in the backup
  content.xml    dumpdata of content_models(): every education model in every language, and the history
  users.xml      staff accounts and roles (only with --with-users): password hashes, so keep backups safe
  media/         every file a FileField of an education model points at, under its storage name

Every refusal is a CommandError with a one-line reason, so an operator can tell a damaged backup from a bug.
"""
import datetime
import hashlib
import json
import shutil
import tarfile
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError
from django.db import models, transaction

from images.models import Image

from .rules import bump_rules_version

# 2: history, checksums of the data files, the staff accounts records name. Format 1 backups still restore.
FORMAT = 2
READABLE_FORMATS = {1, 2}
ARCHIVE_FORMATS = {".tar.gz": "gztar", ".tgz": "gztar", ".zip": "zip"}
DATA_FILES = ("content.xml", "users.xml")

# Every model of the education app is backed up (approvals and review comments included, and the staff's claim
# rules); the claim rules get a new version token.
# Records from other apps that belong in a backup: list a model here and export, import, counts and checksums
# cover it. History: every revision with its comment and the account that saved it, and each saved version. Of the
# search app only the synonyms editors keep: its index and vocabulary are rebuilt as the content loads.
OTHER_MODELS = [
    "images.Image", "search.Synonym", "glossary.Term", "feedback.Feedback", "reversion.Revision", "reversion.Version",
]


# What a freshly migrated database already holds (the shipped claim rules): a backup's own rows replace it.
STARTING_DATA = {"education.ClaimRule"}


def content_models():
    """What a backup holds: the education app's own records, every registered content type (whichever app it lives
    in), and OTHER_MODELS."""
    from . import registry

    own = list(apps.get_app_config("education").get_models())
    return list(dict.fromkeys([*own, *registry.models(), *(apps.get_model(label) for label in OTHER_MODELS)]))


def referenced_usernames():
    """Usernames of the staff accounts that backed-up records point at (who saved, reviewed, acknowledged...)."""
    User = get_user_model()
    ids = set()
    for model in content_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                ids.update(pk for pk in model._base_manager.values_list(field.attname, flat=True) if pk is not None)
    return sorted(User._base_manager.filter(pk__in=ids).values_list(User.USERNAME_FIELD, flat=True))


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
        raise CommandError(f"Refusing the backup: its media file name {name!r} points outside the backup.")
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
            call_command("dumpdata", *(model._meta.label for model in content_models()), format="xml",
                         output=root / "content.xml", indent=1,
                         use_natural_foreign_keys=True, verbosity=0)
            if with_users:
                call_command("dumpdata", "auth.group", "auth.user", format="xml", output=root / "users.xml",
                             indent=1, use_natural_foreign_keys=True, use_natural_primary_keys=True, verbosity=0)
            counts = content_counts()
            usernames = referenced_usernames()
            media = {}
            for name in referenced_media():
                destination = _inside(root / "media", name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(name, "rb") as source, open(destination, "wb") as copy:
                    shutil.copyfileobj(source, copy)
                with open(destination, "rb") as copy:
                    media[name] = _sha256(copy)
        files = {}
        for name in DATA_FILES:
            if (root / name).exists():
                with open(root / name, "rb") as stream:
                    files[name] = _sha256(stream)
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "counts": counts,
            "users": with_users,
            "usernames": usernames,
            "files": files,
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
        _unpack(source, Path(scratch), archive)
        yield Path(scratch)


def _check_member(source, name, *, link=False, special=False):
    if link:
        raise CommandError(f"Refusing {source}: its member {name!r} is a link, which a backup never contains.")
    if special:
        raise CommandError(f"Refusing {source}: its member {name!r} is not a plain file or folder.")
    parts = name.replace("\\", "/").split("/")
    # Absolute ("/x"), climbing (".."), or a Windows drive ("C:x").
    if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise CommandError(f"Refusing {source}: its member {name!r} points outside the archive.")


def _unpack(source, scratch, archive):
    """Unpack after checking every member: no name outside the archive, no link, no device; else one-line refusal."""
    try:
        if archive == "gztar":
            with tarfile.open(source, "r:gz") as tar:
                members = tar.getmembers()
                for member in members:
                    _check_member(source, member.name, link=member.issym() or member.islnk(),
                                  special=not (member.isfile() or member.isdir()))
                tar.extractall(scratch, members=members, filter="data")
        else:
            with zipfile.ZipFile(source) as package:
                for info in package.infolist():
                    _check_member(source, info.filename, link=(info.external_attr >> 16) & 0o170000 == 0o120000)
                package.extractall(scratch)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise CommandError(f"Refusing {source}: it is not a readable archive (damaged or cut short: {error}).") \
            from error


def import_content(source, *, with_users=True, dry_run=False):
    """Restore the backup at `source` into an empty database, all or nothing; return its manifest."""
    with _opened(source) as root:
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Refusing {source}: it has no readable manifest.json, so it is not a backup ({error})."
            ) from error
        if manifest.get("format") not in READABLE_FORMATS:
            found = manifest.get("format")
            readable = ", ".join(str(f) for f in sorted(READABLE_FORMATS))
            raise CommandError(f"Refusing {source}: it is a backup of format {found!r}; this portal reads {readable}.")
        for name, digest in manifest.get("files", {}).items():
            if name not in DATA_FILES:
                raise CommandError(f"Refusing {source}: its manifest lists {name!r}, which is not a backup file.")
            if not (root / name).is_file():
                raise CommandError(f"Refusing {source}: the manifest lists {name} but the backup does not contain it.")
            with open(root / name, "rb") as stream:
                if _sha256(stream) != digest:
                    raise CommandError(f"Refusing {source}: {name} is damaged (its checksum differs).")
        if manifest["format"] >= 2 and any(manifest["counts"].values()) and "content.xml" not in manifest["files"]:
            raise CommandError(f"Refusing {source}: the manifest has no checksum for content.xml.")
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
        if not load_users:
            present = set(User._base_manager.values_list(User.USERNAME_FIELD, flat=True))
            missing = [name for name in manifest.get("usernames", []) if name not in present]
            if missing:
                raise CommandError(
                    f"Refusing {source}: its records name staff accounts this database does not have "
                    f"({', '.join(missing)}); restore the backup with its users, or create those accounts first."
                )
        media = manifest.get("media", {})
        for name, digest in media.items():
            path = _inside(root / "media", name)
            if not path.is_file():
                raise CommandError(f"Refusing {source}: it lists the media file {name!r} but does not contain it.")
            with open(path, "rb") as stream:
                if _sha256(stream) != digest:
                    raise CommandError(f"Refusing {source}: the media file {name!r} is damaged (its checksum differs).")

        written = []
        try:
            with tempfile.TemporaryDirectory() as scratch, transaction.atomic():
                try:
                    if load_users:
                        call_command("loaddata", root / "users.xml", verbosity=0)
                    for label in STARTING_DATA:
                        if manifest["counts"].get(label):
                            apps.get_model(label).objects.all().delete()
                    if any(manifest["counts"].values()):
                        call_command("loaddata", _with_moved_models(root / "content.xml", scratch), verbosity=0)
                        bump_rules_version()  # loaddata skips save(): every process recompiles the restored rules
                except DeserializationError as error:
                    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                    raise CommandError(f"Refusing {source}: its records do not load ({first_line}).") from error
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


# Models that moved to an app of their own since older backups were written: {old label: new label}, lower case.
MOVED_MODELS = {"education.image": "images.image"}


def _with_moved_models(path, scratch):
    """The content file to load: `path`, or a copy in `scratch` that names moved models by their new label. Only
    the XML's model attributes and natural keys of content types change; the backup itself is left as it is."""
    text = path.read_text(encoding="utf-8")
    changed = text
    for old, new in MOVED_MODELS.items():
        old_app, old_model = old.split(".")
        new_app, new_model = new.split(".")
        changed = changed.replace(f'model="{old}"', f'model="{new}"').replace(
            f"<natural>{old_app}</natural><natural>{old_model}</natural>",
            f"<natural>{new_app}</natural><natural>{new_model}</natural>",
        )
    if changed == text:
        return path
    copy = Path(scratch) / path.name
    copy.write_text(changed, encoding="utf-8")
    return copy


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
