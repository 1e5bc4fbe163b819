"""The editorial workflow: draft → in review → published, and back to draft, each step checked against the user.

Admin actions and forms call these functions, so the rules hold for a crafted POST as well as for the buttons.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Status


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def can_edit(user, item):
    """Editors change drafts and items in review; published content changes only with a reviewer's hand."""
    opts = item._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    return item.pk is None or item.status != Status.PUBLISHED or can_publish(user, type(item))


def _save(item, user, fields):
    item.updated_by = user
    item.save(update_fields=[*fields, "version", "updated_at", "updated_by"])


@transaction.atomic
def submit_for_review(*, item, user):
    if not can_edit(user, item):
        raise PermissionDenied
    if item.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."))
    item.status = Status.REVIEW
    _save(item, user, ["status"])


@transaction.atomic
def mark_reviewed(*, item, user, day=None):
    """Record that the clinician linked to `user` reviewed the item today (or on `day`)."""
    if not can_publish(user, type(item)):
        raise PermissionDenied
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        raise ValidationError(_("Your account is not linked to a clinician, so it cannot sign a medical review."))
    item.reviewed_by = clinician
    item.last_reviewed = day or timezone.localdate()
    item.next_review_due = None  # recomputed from the new review date on save
    _save(item, user, ["reviewed_by", "last_reviewed", "next_review_due"])


@transaction.atomic
def publish(*, item, user):
    if not can_publish(user, type(item)):
        raise PermissionDenied
    item.status = Status.PUBLISHED
    item.full_clean()  # a published item needs its review record
    _save(item, user, ["status"])


@transaction.atomic
def unpublish(*, item, user):
    if not can_publish(user, type(item)):
        raise PermissionDenied
    if item.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published item can be unpublished."))
    item.status = Status.DRAFT
    _save(item, user, ["status"])


@transaction.atomic
def mark_translation_current(*, item, user, language):
    """A translator's word that `language` already says what the newer text says."""
    if not can_edit(user, item):
        raise PermissionDenied
    item.mark_translation_current(language)
    _save(item, user, [])
