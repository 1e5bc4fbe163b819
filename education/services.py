"""The editorial workflow: edit (a live item through its draft), submit, approve per language, publish, return.

Every step checks the user's role itself, so the rules hold for a crafted POST as well as for the buttons, and
writes a WorkflowEvent (who, when, language, version). Admin views and actions only call these functions.
"""
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Approval, Clinic, Status, Step, WorkflowEvent


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def can_edit(user, item):
    """Anyone who may change this kind of item may edit it, published or not: a live item's changes wait in its
    draft."""
    opts = item._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def record(item, step, user, *, language="", number=None, comment=""):
    return WorkflowEvent.objects.create(
        kind=item._meta.model_name, object_id=item.pk, step=step, language=language, number=number,
        version=item.version, user=user, comment=comment,
    )


def events(item):
    return WorkflowEvent.objects.filter(kind=item._meta.model_name, object_id=item.pk).select_related("user")


def _save(item, user, fields):
    item.updated_by = user
    item.save(update_fields=[*fields, "version", "updated_at", "updated_by"])


def _lock(item):
    """The item as stored now, its row locked until the step commits: two steps never interleave."""
    return type(item)._base_manager.select_for_update().get(pk=item.pk)


def apply_values(item, values):
    """Write `values` (field name → value, links as id lists) onto the item; many-to-many links at once."""
    later = {}
    for name, value in values.items():
        field = item._meta.get_field(name)
        if field.many_to_many:
            later[name] = value
        elif field.is_relation:
            setattr(item, field.attname, value)
        elif name.startswith("slug_"):
            setattr(item, name, value or None)  # an empty slug is stored as NULL (unique per language)
        else:
            setattr(item, name, value)
    return later


def _set_links(item, links):
    for name, ids in links.items():
        getattr(item, name).set(ids)


class Edit(NamedTuple):
    voided: list  # the languages whose approval the edit voided
    open_claims: list  # risky phrases of the working text that no reviewer has acknowledged


@transaction.atomic
def save_changes(*, item, user, values, other=None, acknowledge=False):
    """Store an edit. A live item keeps its live text: the edit becomes (or updates) its draft; otherwise the row
    takes the edit. `other` holds fields outside the approved text (publishing times, order), written to the row.
    `acknowledge`: the reviewer accepts the risky phrases of the text saved. Returns an Edit."""
    if not can_edit(user, item):
        raise PermissionDenied
    current = _lock(item)
    before = current.approved_languages()
    if current.status == Status.PUBLISHED:
        live = current.live_values()
        working = current.working_values() | values
        current.draft = {name: value for name, value in working.items() if live.get(name) != value}
        for name, value in (other or {}).items():
            setattr(current, name, value)
        if acknowledge:  # a reviewer's word on the phrases flagged in the pending text
            current.acknowledge_claims(current.checks(current.working_copy()), user)
        _save(current, user, ["draft", *(other or {})])
    else:
        links = apply_values(current, values | (other or {}))
        current.updated_by = user
        current.save(acknowledged_by=user if acknowledge else None)
        _set_links(current, links)
    voided = [code for code in before if code not in current.approved_languages()]
    record(current, Step.EDITED, user, language=",".join(voided))
    item.refresh_from_db()
    return Edit(voided, current.open_claims())


def _people_who_may_publish(model):
    opts = model._meta
    allowed = Permission.objects.filter(codename=f"publish_{opts.model_name}", content_type__app_label=opts.app_label)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=allowed) | Q(user_permissions__in=allowed))
        .exclude(email="")
        .distinct()
    )


def _mail(subject, body, recipients):
    if recipients:
        send_mail(subject, body, None, sorted(set(recipients)))


@transaction.atomic
def submit_for_review(*, item, user, link=""):
    """Ask the clinical reviewers to check a draft, or a live item's pending changes; they get an e-mail."""
    if not can_edit(user, item):
        raise PermissionDenied
    current = _lock(item)
    if current.status == Status.DRAFT:
        current.status = Status.REVIEW
        _save(current, user, ["status"])
    elif not (current.status == Status.PUBLISHED and current.draft):
        raise ValidationError(_("Only a draft, or a published item with pending changes, can be sent for review."))
    record(current, Step.SUBMITTED, user)
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            _("For review: %(item)s") % {"item": current},
            _("%(user)s asks for a clinical review of “%(item)s”.\n\nReview and approve it here: %(link)s")
            % {"user": user.get_username(), "item": current, "link": link},
            [u.email for u in _people_who_may_publish(type(current)) if u.pk != user.pk],
        )
    item.refresh_from_db()


@transaction.atomic
def return_with_comment(*, item, user, comment, link=""):
    """Send an item back to its editors with what to change; the editors get the comment by e-mail."""
    if not can_publish(user, type(item)):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Write what should change before returning the item."))
    current = _lock(item)
    if current.status == Status.REVIEW:
        current.status = Status.DRAFT
        _save(current, user, ["status"])
    record(current, Step.RETURNED, user, comment=comment)
    editors = events(current).filter(step__in=[Step.SUBMITTED, Step.EDITED]).exclude(user=user)
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            _("Returned for changes: %(item)s") % {"item": current},
            _("%(user)s returned “%(item)s” with this comment:\n\n%(comment)s\n\nOpen it here: %(link)s")
            % {"user": user.get_username(), "item": current, "comment": comment, "link": link},
            [event.user.email for event in editors if event.user and event.user.email],
        )
    item.refresh_from_db()


def signing_clinician(user):
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        raise ValidationError(_("Your account is not linked to a clinician, so it cannot sign a medical review."))
    if clinician.demo and not settings.DEBUG:
        raise ValidationError(_("The demo clinician cannot sign content on a live portal."))
    return clinician


@transaction.atomic
def approve(*, item, user, language, seen):
    """Sign one language of the item's working text as the clinician linked to `user`, today.

    `seen` is the fingerprint of the text the reviewer was shown: if the text changed since, nothing is signed.
    """
    if not can_publish(user, type(item)):
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    clinician = signing_clinician(user)
    current = _lock(item)
    values = current.working_values()
    if current.digest(language, values) != seen:
        raise ValidationError(_("The text changed after you opened it: read it again before approving."))
    if language in current.incomplete_languages(values):
        raise ValidationError(
            _("The %(language)s text is incomplete (a required or safety section is empty), so it cannot be approved.")
            % {"language": dict(settings.LANGUAGES)[language]}
        )
    if language in current.approved_languages(values):
        raise ValidationError(_("This text is already approved."))
    number = (current.approvals().filter(language=language).aggregate(n=Max("number"))["n"] or 0) + 1
    approval = Approval.objects.create(
        kind=current._meta.model_name, object_id=current.pk, language=language, number=number,
        digest=seen, values=current.approval_values(language, values), clinician=clinician, user=user,
        approved_on=timezone.localdate(),
    )
    record(current, Step.APPROVED, user, language=language, number=number)
    return approval


@transaction.atomic
def correct_approval(*, approval, user, clinician, day, reason):
    """An administrator's correction of who signed an approval or when, with the reason kept in the history."""
    if not user.has_perm("education.change_approval"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the correction: it is kept in the history."))
    before = f"{approval.clinician}, {approval.approved_on}"
    approval.clinician, approval.approved_on = clinician, day
    approval.save(update_fields=["clinician", "approved_on"])
    model = apps.get_model("education", approval.kind)
    code = approval.language
    model._base_manager.filter(**{f"approval_{code}": approval}).update(
        **{f"reviewed_by_{code}": clinician, f"last_reviewed_{code}": day}
    )
    item = model._base_manager.get(pk=approval.object_id)
    record(item, Step.CORRECTED, user, language=code, number=approval.number,
           comment=f"{reason}\n({before} → {clinician}, {day})")


@transaction.atomic
def record_existing_review(*, item, clinician, day, languages=None):
    """Sign and publish an item's current text as reviewed by `clinician` on `day`, in each complete language (or
    those of `languages`): for content reviewed outside the portal, such as the demo content. Not a user's step."""
    values = item.working_values()
    for code, _name in settings.LANGUAGES:
        if code in item.incomplete_languages(values) or (languages and code not in languages):
            continue
        number = (item.approvals().filter(language=code).aggregate(n=Max("number"))["n"] or 0) + 1
        approval = Approval.objects.create(
            kind=item._meta.model_name, object_id=item.pk, language=code, number=number,
            digest=item.digest(code, values), values=item.approval_values(code, values), clinician=clinician,
            approved_on=day,
        )
        setattr(item, f"approval_{code}", approval)
        setattr(item, f"reviewed_by_{code}", clinician)
        setattr(item, f"last_reviewed_{code}", day)
    item.status = Status.PUBLISHED
    item.save()
    return item


@transaction.atomic
def publish(*, item, user):
    """Put the approved text live: each language whose working text is approved goes live; a language whose text
    is not approved keeps its approved live text, or, with none, is left empty so patients read the English."""
    if not can_publish(user, type(item)):
        raise PermissionDenied
    current = _lock(item)
    problems = current.publishing_problems()
    if problems:
        raise ValidationError(problems)
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    working = current.working_values()
    live = current.live_values()
    approved = current.approved_languages(working)
    now = timezone.now()
    first = current.status != Status.PUBLISHED

    new = dict(live)
    if default in approved:  # the shared fields (links, image) change only with the default language's approval
        new.update({name: working[name] for name in current.shared_fields})
    for code in approved:
        new.update({name: working[name] for name in current.language_fields(code)})
    for code in dict(settings.LANGUAGES):
        approval = approved.get(code)
        if approval is None or approval.digest != current.digest(code, new):
            # Not approved as it would now be shown (its text, or the shared fields it was approved with, differ):
            # the live text stays if its own approval still covers it, otherwise the language is left out.
            approved.pop(code, None)
            new.update({name: live[name] for name in current.language_fields(code)})
            approval = None if first else getattr(current, f"approval_{code}")
            if approval is None or approval.digest != current.digest(code, new):
                approval = None
                new.update({name: "" for name in current.language_fields(code)})
        setattr(current, f"approval_{code}", approval)
        setattr(current, f"reviewed_by_{code}_id", approval.clinician_id if approval else None)
        setattr(current, f"last_reviewed_{code}", approval.approved_on if approval else None)
        changed = any(new[name] != live[name] for name in current.language_fields(code))
        if approval and (changed or first):
            setattr(current, f"text_changed_{code}", now)
    if getattr(current, f"approval_{default}") is None:
        raise ValidationError(_("The English text has no approval of its current version."))
    if not approved:
        raise ValidationError(_("No language has an approval of its current text: there is nothing to publish."))

    links = apply_values(current, {name: value for name, value in new.items() if live.get(name) != value})
    current.draft = {name: value for name, value in working.items() if new.get(name) != value}
    if first:
        current.publish_at = max(current.publish_at or now, now)
    current.status = Status.PUBLISHED
    current.next_review_due = None  # twelve months after the oldest live approval, on save
    current.updated_by = user
    current.save()
    _set_links(current, links)
    record(current, Step.PUBLISHED, user, language=",".join(sorted(approved)))
    item.refresh_from_db()
    return sorted(approved)


@transaction.atomic
def unpublish(*, item, user):
    """Take the item away from patients; its pending changes become its text, to be approved again."""
    if not can_publish(user, type(item)):
        raise PermissionDenied
    current = _lock(item)
    if current.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published item can be unpublished."))
    links = apply_values(current, current.draft)
    current.draft = {}
    current.status = Status.DRAFT
    current.updated_by = user
    current.save()
    _set_links(current, links)
    record(current, Step.UNPUBLISHED, user)
    item.refresh_from_db()


def email_pack_link(*, pack, address, language, base_url):
    """E-mail a patient the absolute link of a pack's page in `language`. The address is used for this one message
    and never stored or logged: nothing here writes to the database."""
    with translation.override(language):
        clinic = Clinic.current()
        values = {
            "title": pack.title,
            "url": base_url + pack.get_absolute_url(),
            "clinic": clinic.name if clinic else "",
        }
        send_mail(
            _("Your information from %(clinic)s: %(title)s") % values,
            _(
                "Hello,\n\nYour clinic gave you this information to read before and after your treatment: "
                "“%(title)s”.\n\n%(url)s\n\nIf you did not expect this e-mail, you can ignore it.\n\n%(clinic)s"
            ) % values,
            None,
            [address],
        )


@transaction.atomic
def mark_translation_current(*, item, user, language):
    """A translator's word that `language` already says what the newer text says."""
    if not can_edit(user, item):
        raise PermissionDenied
    item.mark_translation_current(language)
    _save(item, user, [])
