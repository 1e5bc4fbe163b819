"""The staff side: translation tabs, the editorial workflow, history, and refusing edits made on a stale copy."""
import difflib
import functools
import os
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin
from reversion.models import Version

from feedback.admin import FeedbackPanelMixin  # the one hook of patient feedback into the content admin
from images.models import Image

from . import cache, leaflets, services, views
from .admin_editing import EditingToolsMixin
from .models import (
    FAQ,
    Approval,
    Article,
    Clinic,
    Clinician,
    Pack,
    PackItem,
    Page,
    ProcedureNote,
    Source,
    Status,
    Step,
    TimelineEntry,
    Topic,
)
from .text import render_markdown


class TranslationTabsAdmin(TabbedTranslationAdmin):
    """modeltranslation's language tabs, repaired for keyboard and screen-reader users by static/js/admin-a11y.js."""

    class Media:
        js = [
            forms.Script("js/admin-a11y.js", **{"data-switch-label": _("Language of the translated fields")}),
            "js/admin-slug.js",  # slugs from titles in every language, elisions ("l'acne") as two words
            "js/admin-language.js",  # one language switch for the whole form, kept across pages
        ]


# What a clinical reviewer sets by hand; status and the per-language approvals change only through the workflow.
REVIEW_FIELDS = ("publish_at", "expire_at", "next_review_due")
STATE_FIELDS = ("status", "signoff_state")
CHECK_FIELDS = tuple(f"checks_{code}" for code, _name in settings.LANGUAGES)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor started from; a save on a stale copy is refused, keeping the editor's text."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # The admin's change view runs in a transaction: the row stays locked until this save is written.
        current = (
            type(self.instance)
            ._base_manager.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(pk=self.instance.pk)
            .first()
        )
        if current is not None and current.version != cleaned.get("loaded_version"):
            who = current.updated_by.get_username() if current.updated_by else _("someone else")
            raise ValidationError(
                _(
                    "%(who)s saved this item at %(time)s, while you were editing it. Your changes are not saved "
                    "yet and are still in the form below: copy what you need, then reload the page to see their "
                    "version and add your changes to it."
                )
                % {"who": who, "time": date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")},
                code="conflict",
            )
        return cleaned


class VersionedAdmin(VersionAdmin):
    """History and restore (django-reversion), plus the stale-copy check, for every content model."""

    form = VersionedForm

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One save writes the row, its links and its history: cached pages are made stale once, as it commits.
        with transaction.atomic(using=router.db_for_write(self.model)), cache.one_bump():
            return super().changeform_view(request, object_id, form_url, extra_context)


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, _("Missing %(language)s") % {"language": name}) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.missing_translation(self.value())
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("medical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Overdue or due within 30 days"))]

    def queryset(self, request, queryset):
        return queryset.review_due() if self.value() == "due" else queryset


class NeedsUpdateFilter(admin.SimpleListFilter):
    title = _("translation behind")
    parameter_name = "behind"

    def lookups(self, request, model_admin):
        return [(code, _("%(language)s needs update") % {"language": name}) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.needing_update(self.value())
        return queryset


def _mark_current_action(code, name):
    @admin.action(
        description=format_lazy(_("Mark the {language} text as up to date"), language=name), permissions=["change"]
    )
    def action(modeladmin, request, queryset):
        modeladmin._mark_current(request, queryset, code)

    action.__name__ = f"mark_current_{code}"
    return action


MARK_CURRENT_ACTIONS = [_mark_current_action(code, name) for code, name in settings.LANGUAGES]


def _checks_display(code, name):
    @admin.display(description=format_lazy(_("Content checks ({language})"), language=name))
    def display(modeladmin, obj):
        report = obj.quality.get(code, {})
        acknowledged = {(c["phrase"], c["sentence"]) for c in obj.claims_acknowledged}
        claims = [{**c, "acknowledged": (c["phrase"], c["sentence"]) in acknowledged} for c in report.get("claims", [])]
        context = {"code": code, "readability": report.get("readability"), "claims": claims,
                   "accessibility": report.get("accessibility", [])}
        return render_to_string("admin/education/_checks.html", context)

    return display


class PublishableForm(VersionedForm):
    acknowledge_claims = forms.BooleanField(
        label=_("I have checked the flagged phrases"),
        required=False,
        help_text=_("Clinical reviewers only: the risky phrases listed under “Content checks” are acceptable here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every long text of a content item is Markdown: static/js/admin-markdown.js gives it a writing toolbar.
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["data-markdown"] = ""
        # A live item is edited through its draft: the form starts from the pending changes, not the live text.
        for name, value in self.instance.draft.items():
            if name in self.fields:
                self.initial[name] = value

    def content_values(self):
        """The patient-visible values this form holds, in the shape of Publishable.live_values()."""
        item = self.instance
        values = {}
        for code, _name in settings.LANGUAGES:
            for name in item.language_fields(code):
                if name in self.cleaned_data:
                    values[name] = self.cleaned_data[name] or ""
        for name in item.shared_fields:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if item._meta.get_field(name).many_to_many:
                values[name] = sorted(obj.pk for obj in value)
            else:
                values[name] = value.pk if value is not None else None
        return values

    def clean(self):
        cleaned = super().clean()
        # Browsers send textarea line breaks as CR LF: stored as LF, so an edit changes only what the editor changed
        # (the approval fingerprint and the word-by-word differences depend on it).
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned


class PublishableAdmin(EditingToolsMixin, FeedbackPanelMixin, VersionedAdmin, TranslationTabsAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}
        js = [forms.Script("js/admin-markdown.js", **{
            "data-toolbar": _("Formatting"), "data-heading": _("Heading"), "data-bold": _("Bold"),
            "data-bullets": _("Bulleted list"), "data-numbers": _("Numbered list"), "data-link": _("Link"),
            "data-bold-text": _("bold text"), "data-link-text": _("link text"),
        })]

    form = PublishableForm
    change_form_template = "admin/education/publishable_change_form.html"
    list_filter = ("status", ReviewDueFilter, TranslationStatusFilter, NeedsUpdateFilter)
    date_hierarchy = "publish_at"
    # No approval action here on purpose: a clinician approves one language of one item on its sign-off page.
    actions = ["submit_for_review", "publish", "unpublish", *MARK_CURRENT_ACTIONS]

    def has_publish_permission(self, request):
        return services.can_publish(request.user, self.model)

    def has_delete_permission(self, request, obj=None):
        # Reviewers delete anything; an editor may delete a draft of their own that patients never saw.
        if super().has_delete_permission(request, obj):
            return True
        return (
            obj is not None and self.has_change_permission(request, obj) and _own_unpublished_draft(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        # Only a clinical reviewer sets the publishing times; for anyone else these fields are not in the form, so
        # a crafted POST cannot set them either. Status and approvals change only through the workflow buttons.
        readonly = (*super().get_readonly_fields(request, obj), *STATE_FIELDS, *CHECK_FIELDS, "acknowledgement")
        if not self.has_publish_permission(request):
            readonly = (*readonly, *REVIEW_FIELDS)
        if hasattr(self.model, "leaflet_code") and not leaflets.may_change_code(request.user):
            readonly = (*readonly, "leaflet_code")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self.has_publish_permission(request):
            # Only a reviewer may acknowledge flagged phrases: the field is not there to be posted.
            form.base_fields.pop("acknowledge_claims", None)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        acknowledge = ("acknowledge_claims",) if self.has_publish_permission(request) else ()
        checks = (_("Content checks"), {"fields": (*CHECK_FIELDS, *acknowledge, "acknowledgement")})
        state = (_("Sign-off"), {"fields": STATE_FIELDS})
        return [state, *fieldsets, checks, (None, {"fields": ("loaded_version",), "classes": ("hidden",)})]

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_signoff"
        return [path("<path:object_id>/signoff/", self.admin_site.admin_view(self.signoff_view), name=name),
                *super().get_urls()]

    def save_model(self, request, obj, form, change):
        stored = type(obj)._base_manager.filter(pk=obj.pk).first() if change else None
        if stored is not None and stored.status == Status.PUBLISHED:
            # The live text stays as it is: the edit goes into the draft; the reviewer's own fields go to the row.
            voided, open_claims = services.save_changes(
                item=stored, user=request.user, values=form.content_values(),
                other={name: form.cleaned_data[name] for name in REVIEW_FIELDS + ("order", "leaflet_code")
                       if name in form.cleaned_data},
                acknowledge=bool(form.cleaned_data.get("acknowledge_claims")),
            )
            obj.refresh_from_db()
            self.message_user(
                request,
                _("Saved as pending changes: patients keep seeing the published text until the changes are approved "
                  "and published."),
                messages.INFO,
            )
        else:
            before = stored.approved_languages() if stored else {}
            obj.updated_by = request.user
            obj.save(acknowledged_by=request.user if form.cleaned_data.get("acknowledge_claims") else None)
            voided = [code for code in before if code not in obj.approved_languages()]
            open_claims = obj.open_claims()
            request.edit_to_record = voided
        for code in voided:
            self.message_user(
                request,
                _("The %(language)s approval no longer matches the text and must be given again.")
                % {"language": dict(settings.LANGUAGES)[code]},
                messages.WARNING,
            )
        for claim in open_claims:
            self.message_user(
                request,
                _("Risky phrase “%(phrase)s” (%(language)s, %(field)s): “%(sentence)s”")
                % {**claim, "language": claim["language"].upper()},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        if form.instance.status == Status.PUBLISHED and change:
            return  # links of a live item changed in the draft (save_model), not on the live item
        super().save_related(request, form, formsets, change)
        if change and hasattr(request, "edit_to_record"):
            services.record(form.instance, Step.EDITED, request.user, language=",".join(request.edit_to_record))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context = {**(extra_context or {}), **self.workflow_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, obj):
        """What the workflow buttons and notes of one item need: the user's allowed steps and each language's state."""
        may_publish = self.has_publish_permission(request)
        returned = services.events(obj).filter(step__in=[Step.RETURNED, Step.SUBMITTED]).first()
        approved = obj.approved_languages()
        missing = obj.missing_languages()
        return {
            "signoff_url": reverse(
                f"admin:{obj._meta.app_label}_{obj._meta.model_name}_signoff", args=[obj.pk]
            ),
            "may_submit": services.can_edit(request.user, obj)
            and (obj.status == Status.DRAFT or (obj.status == Status.PUBLISHED and bool(obj.draft))),
            "may_publish": may_publish,
            "may_approve": may_publish,
            "is_live": obj.status == Status.PUBLISHED,
            "has_draft": bool(obj.draft),
            "pending_fields": sorted(obj.draft),
            "returned": returned if returned and returned.step == Step.RETURNED else None,
            "languages": [
                {"code": code, "name": name, "approved": code in approved, "complete": code not in missing,
                 "current": not obj.needs_update(code)}
                for code, name in settings.LANGUAGES
            ],
        }

    def signoff_view(self, request, object_id):
        """The item's sign-off page: its text as patients will read it per language, the changes since the last
        approval, and the workflow steps. Approving happens here, one language at a time."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_signoff", args=[obj.pk])
        if request.method == "POST":
            self._run_step(request, obj, request.build_absolute_uri(url))
            return HttpResponseRedirect(request.POST.get("next") or url)
        values = obj.working_values()
        latest = obj.latest_approvals()
        approved = obj.approved_languages(values)
        incomplete = obj.incomplete_languages(values)
        history = list(obj.approvals().select_related("clinician", "user").order_by("-number"))
        languages = []
        for code, name in settings.LANGUAGES:
            mine = [a for a in history if a.language == code]
            since = _chosen(mine, request.GET.get(f"from_{code}")) or latest.get(code)
            until = _chosen(mine, request.GET.get(f"to_{code}"))
            current = obj.approval_values(code, values)
            with translation.override(code):
                rendered = _rendered(obj, current)
            languages.append({
                "code": code,
                "name": name,
                "approved": approved.get(code),
                "latest": latest.get(code),
                "live": getattr(obj, f"approval_{code}", None) if obj.status == Status.PUBLISHED else None,
                "incomplete": code in incomplete,
                "seen": obj.digest(code, values),
                "rendered": rendered,
                "since": since,
                "until": until,
                "approvals": mine,
                "diff": _diffs(obj, since.values, until.values if until else current) if since else [],
            })
        context = {
            **self.admin_site.each_context(request),
            **self.workflow_context(request, obj),
            "title": _("Sign-off: %(item)s") % {"item": obj},
            "opts": obj._meta,
            "original": obj,
            "item_languages": languages,
            "user_clinician": getattr(request.user, "clinician", None),
            "events": services.events(obj)[:100],
            "change_url": reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/education/signoff.html", context)

    def _run_step(self, request, obj, link):
        step = request.POST.get("step")
        steps = {
            "submit": lambda: services.submit_for_review(item=obj, user=request.user, link=link),
            "approve": lambda: services.approve(
                item=obj, user=request.user, language=request.POST.get("language"), seen=request.POST.get("seen")
            ),
            "publish": lambda: services.publish(item=obj, user=request.user),
            "unpublish": lambda: services.unpublish(item=obj, user=request.user),
            "return": lambda: services.return_with_comment(
                item=obj, user=request.user, comment=request.POST.get("comment", ""), link=link
            ),
        }
        if step not in steps:
            self.message_user(request, _("Unknown step."), messages.ERROR)
            return
        try:
            steps[step]()
        except PermissionDenied:
            self.message_user(request, _("Your role may not take this step."), messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, STEP_DONE[step], messages.SUCCESS)

    @admin.display(description=_("sign-off"))
    def signoff_state(self, obj):
        if obj.pk is None:
            return "—"
        approved = obj.approved_languages()
        latest = obj.latest_approvals()
        lines = []
        for code, name in settings.LANGUAGES:
            if code in approved:
                approval = approved[code]
                line = _("%(language)s: approved (version %(number)s) by %(clinician)s on %(date)s") % {
                    "language": name, "number": approval.number, "clinician": approval.clinician.name,
                    "date": date_format(approval.approved_on),
                }
            elif code in latest:
                line = _("%(language)s: approval void, the text changed after version %(number)s was approved") % {
                    "language": name, "number": latest[code].number,
                }
            else:
                line = _("%(language)s: not approved yet") % {"language": name}
            lines.append((line,))
        return format_html_join(mark_safe("<br>"), "{}", lines)

    @admin.display(description=_("readability"))
    def readability(self, obj):
        return format_html_join(
            " ",
            "{}&nbsp;{}{}",
            (
                (code.upper(), report["readability"]["score"], "" if report["readability"]["target_met"] else " ⚠")
                for code, report in obj.quality.items()
                if report.get("readability")
            ),
        ) or "—"

    @admin.display(description=_("translation behind"))
    def needs_update(self, obj):
        return ", ".join(code.upper() for code, _name in settings.LANGUAGES if obj.needs_update(code)) or "—"

    @admin.display(description=_("phrases acknowledged"))
    def acknowledgement(self, obj):
        if not obj.claims_acknowledged_at:
            return "—"
        who = obj.claims_acknowledged_by.get_username() if obj.claims_acknowledged_by else "?"
        return _("%(count)d phrase(s) by %(who)s on %(date)s") % {
            "count": len(obj.claims_acknowledged),
            "who": who,
            "date": date_format(timezone.localtime(obj.claims_acknowledged_at), "DATETIME_FORMAT"),
        }

    @admin.display(description=_("languages"))
    def language_state(self, obj):
        """One narrow column for the list at 1280 px: per language complete or not, behind the other language,
        and the readability score; the full sentence is in the hover text."""
        missing = obj.missing_languages()
        lines = []
        for code, name in settings.LANGUAGES:
            score = (obj.quality.get(code) or {}).get("readability")
            short = [_("complete") if code not in missing else _("incomplete")]
            long = [_("all required text written") if code not in missing else _("required text missing")]
            if obj.needs_update(code):
                short.append(_("behind"))
                long.append(_("needs update after changes in the other language"))
            if score:
                met = score["target_met"]
                short.append(f"{score['score']}" + ("" if met else " ⚠"))
                long.append((_("readability %(score)s, target met") if met else
                             _("readability %(score)s, harder than the target")) % {"score": score["score"]})
            details = f"{name}: " + "; ".join(str(part) for part in long)
            lines.append((details, code.upper(), ", ".join(map(str, short))))
        return format_html_join(
            mark_safe("<br>"), '<span class="language-state" title="{}"><strong>{}</strong> {}</span>', lines
        )

    @admin.display(description=_("languages complete"))
    def languages_complete(self, obj):
        missing = obj.missing_languages()
        return ", ".join(code.upper() for code, _name in settings.LANGUAGES if code not in missing) or "—"

    def _transition(self, request, queryset, step, done_message):
        done = 0
        for item in queryset:
            try:
                step(item=item, user=request.user)
            except PermissionDenied:
                self.message_user(request, _("You may not do this to “%(item)s”.") % {"item": item}, messages.ERROR)
            except ValidationError as error:
                self.message_user(request, f"“{item}”: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Submit for clinical review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.submit_for_review,
            lambda n: ngettext("%d item sent for review.", "%d items sent for review.", n) % n,
        )

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        self._transition(
            request, queryset, services.publish, lambda n: ngettext("%d item published.", "%d items published.", n) % n
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.unpublish,
            lambda n: ngettext("%d item unpublished.", "%d items unpublished.", n) % n,
        )

    def _mark_current(self, request, queryset, language):
        self._transition(
            request,
            queryset,
            functools.partial(services.mark_translation_current, language=language),
            lambda n: ngettext("%d translation marked as up to date.", "%d translations marked as up to date.", n) % n,
        )


for _code, _name in settings.LANGUAGES:
    setattr(PublishableAdmin, f"checks_{_code}", _checks_display(_code, _name))

STEP_DONE = {
    "submit": _("Sent for review."),
    "approve": _("Approved."),
    "publish": _("Published."),
    "unpublish": _("Unpublished."),
    "return": _("Returned with your comment."),
}


def _own_unpublished_draft(user, item):
    """A draft that was never published and whose first saved version (django-reversion) is this user's."""
    if item.status != Status.DRAFT:
        return False
    # A live approval stays on the row after unpublishing; the events cover items published before approvals.
    if any(getattr(item, f"approval_{code}_id") for code, _name in settings.LANGUAGES):
        return False
    if services.events(item).filter(step__in=[Step.PUBLISHED, Step.UNPUBLISHED]).exists():
        return False
    first = Version.objects.get_for_object(item).select_related("revision").order_by("revision__date_created").first()
    return first is not None and first.revision.user_id == user.pk


def _chosen(approvals, number):
    return next((a for a in approvals if str(a.number) == number), None) if number else None


def _rendered(item, values):
    """One language's text as patients will read it: each filled field under its label, long texts as Markdown."""
    rows = []
    for name, value in values.items():
        if name in getattr(item, "CONTENTS_LABELS", {}):  # a pack's items and timeline (Pack.contents)
            if value:
                lines = item.describe_contents(name, value).split("\n\n")
                value = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
                rows.append({"label": item.CONTENTS_LABELS[name], "value": value})
            continue
        field = item._meta.get_field(name)
        if field.is_relation:
            value = _linked(field, value)
        elif isinstance(field, models.TextField):
            value = render_markdown(value)
            value = mark_safe(value)  # render_markdown sanitises its output with an allow-list
        if value:
            rows.append({"label": field.verbose_name, "value": value})
    return rows


def _linked(field, value):
    ids = value if isinstance(value, list) else [value] if value else []
    return ", ".join(str(obj) for obj in field.related_model._base_manager.filter(pk__in=ids))


def _diffs(item, old, new):
    """The fields that differ between two sets of values, each with a word-by-word difference."""
    changes = []
    for name in new:
        before, after = old.get(name), new[name]
        if before == after:
            continue
        if name in getattr(item, "CONTENTS_LABELS", {}):
            html = word_diff(item.describe_contents(name, before or []), item.describe_contents(name, after))
            changes.append({"label": item.CONTENTS_LABELS[name], "name": name, "html": html})
            continue
        field = item._meta.get_field(name)
        if field.is_relation:
            before, after = _linked(field, before), _linked(field, after)
        html = word_diff(str(before or ""), str(after or ""))
        changes.append({"label": field.verbose_name, "name": name, "html": html})
    return changes


def word_diff(before, after):
    """HTML of the paragraphs that changed, removed words in <del> and added words in <ins>, every word escaped;
    unchanged paragraphs in between are shown as "…"."""
    old, new = before.split("\n\n"), after.split("\n\n")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(format_html("<p>{}</p>", "…"))
        else:
            parts.append(format_html("<p>{}</p>", _words_diff("\n\n".join(old[i1:i2]), "\n\n".join(new[j1:j2]))))
    return mark_safe("".join(parts))


def _words_diff(before, after):
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return mark_safe("".join(parts))


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    preview_page = staticmethod(views.article_page)  # the preview beside the form (admin_editing.py)
    list_display = (
        "title", "status", "next_review_due", "language_state",
    )
    list_filter = (*PublishableAdmin.list_filter, "topics")
    search_fields = ("title_en", "title_it", "summary_en", "summary_it")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics", "procedures", "sources")
    autocomplete_fields = ("image",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "image")}),
        (_("Links"), {"fields": ("topics", "procedures", "sources")}),
        (_("Publishing and review"), {"fields": (*REVIEW_FIELDS, "leaflet_code")}),
    )


@admin.register(ProcedureNote)
class ProcedureNoteAdmin(PublishableAdmin):
    preview_page = staticmethod(views.procedure_page)  # the preview beside the form (admin_editing.py)
    list_display = (
        "title", "status", "next_review_due", "language_state",
    )
    list_filter = (*PublishableAdmin.list_filter, "topics")
    search_fields = ("title_en", "title_it", "summary_en", "summary_it")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics", "sources")
    autocomplete_fields = ("image",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "image")}),
        (_("Key facts"), {"fields": ProcedureNote.KEY_FACTS}),
        (_("Sections"), {"fields": ProcedureNote.SECTIONS}),
        (_("Links"), {"fields": ("topics", "sources")}),
        (_("Publishing and review"), {"fields": (*REVIEW_FIELDS, "leaflet_code")}),
    )


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    preview_page = staticmethod(views.faq_page)  # the preview beside the form (admin_editing.py)
    list_display = (
        "question", "topic", "status", "next_review_due", "language_state",
    )
    list_filter = (*PublishableAdmin.list_filter, "topic")
    list_select_related = ("topic",)
    search_fields = ("question_en", "question_it", "answer_en", "answer_it")
    autocomplete_fields = ("article", "procedure")
    fieldsets = (
        (None, {"fields": ("question", "answer", "topic", "order")}),
        (_("Links"), {"fields": ("article", "procedure")}),
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
    )


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    preview_page = staticmethod(views.page_page)  # the preview beside the form (admin_editing.py)
    list_display = ("title", "status", "next_review_due", "language_state")
    search_fields = ("title_en", "title_it")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body")}),
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
    )


class PackRowsInline:
    """A published pack's items and timeline stay as approved (Pack.contents_locked): shown, not editable."""

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.contents_locked) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.contents_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.contents_locked) and super().has_delete_permission(request, obj)


class PackItemInline(PackRowsInline, admin.TabularInline):
    model = PackItem
    extra = 1
    fields = ("position", "procedure", "article", "faq")
    autocomplete_fields = ("procedure", "article", "faq")
    verbose_name_plural = _("items (one article, procedure note or FAQ per row)")


class TimelineEntryInline(PackRowsInline, TranslationTabularInline):
    model = TimelineEntry
    extra = 1
    fields = ("offset_days", "label", "instruction")


class PackEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Patient's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Used once, to send this e-mail, then forgotten: the portal does not store the address, write it to "
            "its logs or keep it in your session."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the e-mail and the page"), choices=settings.LANGUAGES)


@admin.register(Pack)
class PackAdmin(PublishableAdmin):
    change_form_template = "admin/education/pack_change_form.html"
    list_display = ("title", "status", "next_review_due", "language_state")
    search_fields = ("title_en", "title_it", "summary_en", "summary_it")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PackItemInline, TimelineEntryInline]
    fieldsets = (
        (None, {
            "fields": ("title", "slug", "summary"),
            "description": _(
                "The items and the timeline below are part of what a clinician approves. They can be changed only "
                "while the pack is not published: unpublish it to change them."
            ),
        }),
        (_("Publishing and review"), {"fields": (*REVIEW_FIELDS, "leaflet_code")}),
    )

    def get_urls(self):
        return [path("<path:object_id>/email/", self.admin_site.admin_view(self.email_view),
                     name="education_pack_email"), *super().get_urls()]

    def email_view(self, request, object_id):
        """Send a patient the pack's link. Send and forget: the address lives only in this request."""
        pack = self.get_object(request, object_id)
        if pack is None or not self.has_view_permission(request, pack):
            raise PermissionDenied
        change_url = reverse("admin:education_pack_change", args=[pack.pk])
        form = PackEmailForm(request.POST or None, initial={"language": translation.get_language()})
        if request.method == "POST" and form.is_valid():
            if not pack.is_public:
                self.message_user(request, _("This pack is not published: patients cannot open its link yet."),
                                  messages.ERROR)
            else:
                language = form.cleaned_data["language"]
                try:
                    services.email_pack_link(
                        pack=pack, address=form.cleaned_data["email"], language=language,
                        base_url=portal_url(request),
                    )
                except OSError:  # the mail server is down or refused: say so, keep nothing
                    self.message_user(request, _("The e-mail could not be sent. Nothing was kept; try again later."),
                                      messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Sent the link in %(language)s. The address was not kept.")
                        % {"language": dict(settings.LANGUAGES)[language]},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("E-mail this pack's link to a patient"),
            "opts": self.model._meta,
            "original": pack,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/education/pack_email.html", context)


def portal_url(request):
    """The portal's address for links in e-mails: DJANGO_PORTAL_URL, else the address this request came to."""
    return (os.environ.get("DJANGO_PORTAL_URL") or request.build_absolute_uri("/")).rstrip("/")


class ApprovalCorrectionForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the item's history with the old and new values."),
    )

    class Meta:
        model = Approval
        fields = ("clinician", "approved_on")


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """Approvals are made on an item's sign-off page; here an administrator may only correct one, with a reason."""

    form = ApprovalCorrectionForm
    list_display = ("kind", "object_id", "language", "number", "clinician", "approved_on", "user")
    list_filter = ("language", "kind")
    list_select_related = ("clinician", "user")
    readonly_fields = ("kind", "object_id", "language", "number", "digest", "user", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.correct_approval(
            approval=Approval.objects.get(pk=obj.pk), user=request.user, clinician=form.cleaned_data["clinician"],
            day=form.cleaned_data["approved_on"], reason=form.cleaned_data["reason"],
        )


@admin.register(Topic)
class TopicAdmin(VersionedAdmin, TranslationTabsAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_en", "name_it")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Clinician)
class ClinicianAdmin(VersionedAdmin, TranslationTabsAdmin):
    list_display = ("name", "role", "credentials", "user")
    list_select_related = ("user",)
    search_fields = ("name", "role_en", "role_it")
    autocomplete_fields = ("photo",)


@admin.register(Source)
class SourceAdmin(VersionedAdmin):
    list_display = ("title", "publisher", "year")
    search_fields = ("title", "publisher")
    list_filter = ("publisher",)


@admin.register(Clinic)
class ClinicAdmin(VersionedAdmin, TranslationTabsAdmin):
    list_display = ("name", "phone", "email")


class ImageForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        # Stored while the form validates, so a full disk or failing media store is a form error, not a 500.
        if not self.errors and self.instance.file and not self.instance.file._committed:
            try:
                self.instance.store_upload()
            except ValidationError as error:
                self.add_error("file", error)


# Registered here, not in images/, because it shares the content admin's language tabs (TranslationTabsAdmin).
@admin.register(Image)
class ImageAdmin(TranslationTabsAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = ImageForm

    list_display = ("thumbnail", "__str__", "decorative", "width", "height", "format", "created_at")
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("decorative", "format")
    search_fields = ("alt_en", "alt_it", "credit_en", "credit_it")
    readonly_fields = ("thumbnail", "width", "height", "format")
    fieldsets = (
        (None, {"fields": (("file", "thumbnail"), "alt", "decorative", "credit")}),
        (_("Stored image"), {"fields": ("width", "height", "format")}),
    )

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        if not obj.pk or not obj.thumbnail_url:
            return "—"
        return format_html(
            '<img class="thumbnail" src="{}" alt="" width="120" height="{}">',
            obj.thumbnail_url,
            round(120 * obj.height / obj.width) if obj.width else 120,
        )


from . import rules_admin  # noqa: E402,F401  (the risky-claim rules: their own module)
