from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from feedback.models import Feedback, purge_expired


class Command(BaseCommand):
    help = "Delete patient feedback older than FEEDBACK_RETENTION_DAYS (default 365 days)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be deleted, delete nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        days = settings.FEEDBACK_RETENTION_DAYS
        if dry_run:
            count = Feedback.objects.expired().count()
            verb = "Would delete"
        else:
            with transaction.atomic():
                count = purge_expired()
            verb = "Deleted"
        if verbosity:
            self.stdout.write(f"{verb} {count} feedback answer(s) older than {days} days.")
