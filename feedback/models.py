"""What patients tell us about a page: helpful or not, and what was missing or unclear. No personal data is kept."""
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The helpful share shown in the change lists covers this many days.
SHARE_DAYS = 90


def feedback_models():
    """Every kind of patient content that takes feedback: the registered content types (education/registry.py)."""
    from education import registry

    return registry.models()


def model_for_kind(kind):
    """The model whose `model_name` is `kind` (the word in the form's address), or None."""
    return next((model for model in feedback_models() if model._meta.model_name == kind), None)


def retention_cutoff():
    return timezone.now() - datetime.timedelta(days=settings.FEEDBACK_RETENTION_DAYS)


class FeedbackQuerySet(models.QuerySet):
    def for_item(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def expired(self):
        """Older than the retention period (setting FEEDBACK_RETENTION_DAYS): deleted by purge_feedback."""
        return self.filter(created_at__lt=retention_cutoff())

    def unread_counts(self, model, ids):
        """{item id: unread count} for these items of `model`, in one query."""
        rows = (
            self.unread()
            .filter(content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids))
            .values("object_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
        return {row["object_id"]: row["count"] for row in rows}


def annotate_share(queryset):
    """Add feedback_total and feedback_helpful (last SHARE_DAYS days) to a queryset of items, inside its one query."""
    since = timezone.now() - datetime.timedelta(days=SHARE_DAYS)
    opts = queryset.model._meta
    # The kind by name, joined inside the subquery: no query of its own for the content type.
    recent = Feedback.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=OuterRef("pk"),
        created_at__gte=since,
    ).order_by()

    def counted(condition=None):
        counts = recent.filter(condition or Q()).values("object_id").annotate(n=Count("pk")).values("n")
        return models.functions.Coalesce(Subquery(counts), 0)

    return queryset.annotate(feedback_total=counted(), feedback_helpful=counted(Q(helpful=True)))


class Feedback(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of page"))
    object_id = models.PositiveBigIntegerField(_("item"))
    item = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # The item's version counter when the patient read it. When approvals get their own records, a link to the
    # approved version can replace it.
    item_version = models.PositiveIntegerField(
        _("page version"), help_text=_("The version of the page the patient read (its save counter).")
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(
        _("what was missing or unclear"),
        blank=True,
        help_text=_("E-mail addresses and phone numbers are removed before it is stored."),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="feedback_item_idx")]
        verbose_name = _("patient feedback")
        verbose_name_plural = _("patient feedback")

    def __str__(self):
        answer = _("helpful") if self.helpful else _("not helpful")
        return f"{answer} ({self.language}), {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def mark_read(self, user):
        """Record the first reviewer who opened it; later openings change nothing."""
        if self.read_at is None:
            self.read_at, self.read_by = timezone.now(), user
            type(self).objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=self.read_at, read_by=user)


PURGED_KEY = "feedback:purged-today"


def purge_expired():
    """Delete feedback older than the retention period; returns how many were deleted."""
    deleted, _per_model = Feedback.objects.expired().delete()
    return deleted


def purge_now_and_then():
    """Retention without cron: the first answer stored each day also deletes what has passed its retention."""
    from django.core.cache import cache

    try:
        due = cache.add(PURGED_KEY, True, 24 * 60 * 60)
    except Exception:  # a shared cache that is down: the next day's first answer, or purge_feedback, will do it
        return
    if due:
        purge_expired()
