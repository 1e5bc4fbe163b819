from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from education.models import FAQ, Article, Clinic, Clinician, Page, ProcedureNote

DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"
GLOSSARY_FIXTURE = settings.BASE_DIR / "fixtures" / "glossary.json"
DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = {"admin": None, "editor": "Editors", "reviewer": "Clinical reviewers"}


class Command(BaseCommand):
    help = (
        "Load the demo content (only into a portal that has none yet, so edits survive a second run) "
        "and, with DJANGO_DEBUG on, the demo accounts admin, editor and reviewer (password: demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload the demo content over existing items.")

    @transaction.atomic
    def handle(self, *args, force=False, verbosity=1, **options):
        if force or not Clinic.objects.exists():
            call_command("loaddata", DEMO_FIXTURE, GLOSSARY_FIXTURE, verbosity=0)
            # Fixtures load raw; saving once stores each item's readability scores and phrase checks.
            for model in (Article, ProcedureNote, FAQ, Page):
                for item in model.objects.all():
                    item.save()
            call_command("make_demo_images", verbosity=0)
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
