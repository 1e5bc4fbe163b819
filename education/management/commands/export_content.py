"""manage.py export_content: back up all patient content and its media files."""
from django.core.management.base import BaseCommand

from education.backup import export_content


class Command(BaseCommand):
    help = (
        "Export every content item in both languages, review records, history if kept, and the media files they "
        "use, to a new directory or a .tar.gz/.zip archive. import_content restores it into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="A new directory, or an archive path ending in .tar.gz, .tgz or .zip.")
        parser.add_argument(
            "--with-users", action="store_true",
            help="Also export staff accounts and roles (with password hashes: keep the backup safe).",
        )

    def handle(self, *args, target, with_users=False, verbosity=1, **options):
        manifest = export_content(target, with_users=with_users)
        if verbosity:
            items = sum(manifest["counts"].values())
            self.stdout.write(self.style.SUCCESS(
                f"Exported {items} records and {len(manifest['media'])} media files to {target}."
            ))
        if verbosity > 1:
            for label, count in manifest["counts"].items():
                self.stdout.write(f"  {label}: {count}")
