"""manage.py import_content: restore a backup made by export_content into an empty database."""
from django.core.management.base import BaseCommand

from education.backup import import_content


class Command(BaseCommand):
    help = (
        "Restore a backup made by export_content (a directory or .tar.gz/.zip archive) into an empty, migrated "
        "database, with its media files. All or nothing: on any error the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory or archive.")
        parser.add_argument("--without-users", action="store_true", help="Leave out the staff accounts in the backup.")
        parser.add_argument("--dry-run", action="store_true", help="Check that the backup loads, then roll back.")

    def handle(self, *args, source, without_users=False, dry_run=False, verbosity=1, **options):
        manifest = import_content(source, with_users=not without_users, dry_run=dry_run)
        if verbosity:
            items = sum(manifest["counts"].values())
            verb = "Checked (dry run, nothing kept)" if dry_run else "Restored"
            self.stdout.write(self.style.SUCCESS(
                f"{verb} {items} records and {len(manifest['media'])} media files from {source}."
            ))
