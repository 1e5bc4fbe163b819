import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.dateparse import parse_date

from education import registry, services
from education.models import Clinic, Clinician, Status

DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"
GLOSSARY_FIXTURE = settings.BASE_DIR / "fixtures" / "glossary.json"
DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = {"admin": None, "editor": "Editors", "reviewer": "Clinical reviewers"}


class Command(BaseCommand):
    help = (
        "Load the demo content (only into a portal that has none yet, so edits survive a second run) "
        "and the demo accounts admin, editor and reviewer (password: demo). Only with DJANGO_DEBUG on, unless "
        "--allow-without-debug says this is a staging copy that really wants demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload the demo content over existing items.")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo content even with DJANGO_DEBUG off (a staging server; never a clinic's live portal). "
            "No demo accounts are made then.",
        )

    @transaction.atomic
    def handle(self, *args, force=False, allow_without_debug=False, verbosity=1, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "DJANGO_DEBUG is off, so this looks like a live portal: load_demo would publish made-up content "
                "signed by a placeholder clinician. Nothing was loaded. On a staging server that should show the "
                "demo, run it with --allow-without-debug."
            )
        if force or not Clinic.objects.exists():
            self.load_content()
            if verbosity:
                self.stdout.write("Loaded the demo content.")
        elif verbosity:
            self.stdout.write("Demo content already present; left as it is.")

        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DJANGO_DEBUG is off: no demo accounts created."))
            return
        User = get_user_model()
        for username, role in DEMO_ACCOUNTS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": True, "is_superuser": role is None, "email": f"{username}@clinic.invalid"},
            )
            if created:
                # Bypasses the password validators on purpose: local demo accounts only, never with debug off.
                user.set_password(DEMO_PASSWORD)
                user.save()
                if role:
                    user.groups.add(Group.objects.get(name=role))
                if username == "reviewer":
                    # The reviewer signs reviews as the demo clinician.
                    Clinician.objects.filter(pk=1, user=None).update(user=user)
                if verbosity:
                    self.stdout.write(f"Created demo account {username!r}.")

    def load_content(self):
        """Load the fixture with every item as a draft, then sign each one's text as its fixture reviewer on its
        fixture date and publish it: the fixture holds text, never approvals (a published row needs one)."""
        from django.apps import apps

        records = json.loads(Path(DEMO_FIXTURE).read_text(encoding="utf-8"))
        reviewed = []
        for record in records:
            model = apps.get_model(record["model"])
            fields = record["fields"]
            if model in registry.models() and fields.get("status") == Status.PUBLISHED:
                fields["status"] = Status.DRAFT
                reviewed.append((model, record["pk"], fields.get("reviewed_by"), fields.get("last_reviewed")))
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as drafts:
            json.dump(records, drafts)
            drafts.flush()
            call_command("loaddata", drafts.name, verbosity=0)
        call_command("loaddata", GLOSSARY_FIXTURE, verbosity=0)
        call_command("make_demo_images", verbosity=0)  # before signing: an item's image is part of what is approved
        Clinician.objects.filter(pk__in={clinician for _m, _pk, clinician, _day in reviewed}).update(demo=True)
        for model in registry.models():
            for item in model.objects.all():
                item.save()  # fixtures load raw: saving stores each item's readability scores and phrase checks
        for model, pk, clinician, day in reviewed:
            item = model.objects.get(pk=pk)
            if clinician and day:
                services.record_existing_review(
                    item=item, clinician=Clinician.objects.get(pk=clinician), day=parse_date(day)
                )
