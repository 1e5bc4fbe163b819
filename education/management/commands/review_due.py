import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse

from education import registry
from education.models import REVIEW_DUE_SOON_DAYS
from feedback.models import Feedback


class Command(BaseCommand):
    help = "List content whose medical review is overdue or due soon; with --email, send the list to the reviewers."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REVIEW_DUE_SOON_DAYS, help="How far ahead to look (days).")
        parser.add_argument("--email", action="store_true", help="E-mail the list to every clinical reviewer.")
        parser.add_argument("--dry-run", action="store_true", help="With --email: show who would get it, send nothing.")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("DJANGO_PORTAL_URL", ""),
            help="The portal's address for the links, e.g. https://clinic.example (default: DJANGO_PORTAL_URL, "
            "else the first of DJANGO_ALLOWED_HOSTS).",
        )

    def handle(self, *args, days, email, dry_run, verbosity, base_url, **options):
        # E-mails are read away from the portal: every link carries the scheme and host.
        scheme = "https" if getattr(settings, "HTTPS_ONLY", False) else "http"
        base_url = (base_url or f"{scheme}://{settings.ALLOWED_HOSTS[0]}").rstrip("/")
        lines = []
        for model in registry.reviewed_models():
            items = list(model.objects.review_due(within_days=days).order_by("next_review_due"))
            unread = Feedback.objects.unread_counts(model, [item.pk for item in items])
            for item in items:
                due = item.next_review_due.isoformat() if item.next_review_due else "never reviewed"
                missing = ", ".join(item.missing_languages()) or "-"
                url = base_url + reverse(f"admin:education_{model._meta.model_name}_signoff", args=[item.pk])
                feedback = f"  [unread patient feedback: {unread[item.pk]}]" if item.pk in unread else ""
                lines.append(f"{due}  {model._meta.verbose_name}: {item}  [incomplete: {missing}]{feedback}  {url}")
        lines.sort()
        due_count = len(lines)
        unread_total = Feedback.objects.unread().count()
        if unread_total:
            url = reverse("admin:feedback_feedback_changelist") + "?unread=1"
            lines.append(f"Unread patient feedback on all pages: {unread_total}  {url}")
        if verbosity:
            self.stdout.write("\n".join(lines) if lines else f"Nothing is due for review in the next {days} days.")
        if not (email and lines):
            return
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True, groups__name="Clinical reviewers")
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if dry_run:
            self.stdout.write(f"Would e-mail {len(recipients)} reviewer(s): {', '.join(recipients)}")
            return
        if recipients:
            subject = f"{due_count} item(s) due for medical review"
            send_mail(subject, "\n".join(lines) + "\n", None, recipients)
        if verbosity:
            self.stdout.write(f"E-mailed {len(recipients)} reviewer(s).")
