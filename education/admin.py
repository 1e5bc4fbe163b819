"""The staff side: translation tabs, the editorial workflow, history, and refusing edits made on a stale copy."""
import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from feedback.admin import FeedbackPanelMixin  # the one hook of patient feedback into the content admin

from . import services
from .models import FAQ, Article, Clinic, Clinician, Image, Page, ProcedureNote, Source, Topic

class TranslationTabsAdmin(TabbedTranslationAdmin):
    """modeltranslation's language tabs, repaired for keyboard and screen-reader users by static/js/admin-a11y.js."""

    class Media:
        js = [forms.Script("js/admin-a11y.js", **{"data-switch-label": _("Language of the translated fields")})]


REVIEW_FIELDS = ("status", "publish_at", "reviewed_by", "last_reviewed", "next_review_due")
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
        context = {"code": code, "readability": report.get("readability"), "claims": claims}
        return render_to_string("admin/education/_checks.html", context)

    return display


class PublishableForm(VersionedForm):
    acknowledge_claims = forms.BooleanField(
        label=_("I have checked the flagged phrases"),
        required=False,
        help_text=_("Clinical reviewers only: the risky phrases listed under “Content checks” are acceptable here."),
    )

    def clean(self):
        cleaned = super().clean()
        # Read by the model's publishing rule and recorded with the review when the item is saved.
        self.instance.acknowledging_claims = bool(cleaned.get("acknowledge_claims"))
        return cleaned


class PublishableAdmin(FeedbackPanelMixin, VersionedAdmin, TranslationTabsAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = PublishableForm
    list_filter = ("status", ReviewDueFilter, TranslationStatusFilter, NeedsUpdateFilter, "reviewed_by")
    date_hierarchy = "publish_at"
    list_select_related = ("reviewed_by",)
    actions = ["submit_for_review", "publish", "unpublish", "mark_reviewed", *MARK_CURRENT_ACTIONS]

    def has_publish_permission(self, request):
        return services.can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.can_edit(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Only a clinical reviewer sets the state and signs the review; for anyone else these fields are not in
        # the form, so a crafted POST cannot set them either.
        readonly = (*super().get_readonly_fields(request, obj), *CHECK_FIELDS, "acknowledgement")
        if not self.has_publish_permission(request):
            readonly = (*readonly, *REVIEW_FIELDS)
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
        return [*fieldsets, checks, (None, {"fields": ("loaded_version",), "classes": ("hidden",)})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for claim in obj.open_claims():
            self.message_user(
                request,
                _("Risky phrase “%(phrase)s” (%(language)s, %(field)s): “%(sentence)s”")
                % {**claim, "language": claim["language"].upper()},
                messages.WARNING,
            )

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

    @admin.action(description=_("Record my medical review today"), permissions=["publish"])
    def mark_reviewed(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.mark_reviewed,
            lambda n: ngettext("Review recorded for %d item.", "Review recorded for %d items.", n) % n,
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


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = (
        "title", "status", "publish_at", "next_review_due", "languages_complete", "needs_update", "readability",
    )
    list_filter = (*PublishableAdmin.list_filter, "topics")
    search_fields = ("title_en", "title_it", "summary_en", "summary_it")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics", "procedures", "sources")
    autocomplete_fields = ("image",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "image")}),
        (_("Links"), {"fields": ("topics", "procedures", "sources")}),
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
    )


@admin.register(ProcedureNote)
class ProcedureNoteAdmin(PublishableAdmin):
    list_display = (
        "title", "status", "publish_at", "next_review_due", "languages_complete", "needs_update", "readability",
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
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
    )


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    list_display = (
        "question", "topic", "order", "status", "next_review_due", "languages_complete", "needs_update", "readability",
    )
    list_filter = (*PublishableAdmin.list_filter, "topic")
    list_select_related = ("topic", "reviewed_by")
    search_fields = ("question_en", "question_it", "answer_en", "answer_it")
    autocomplete_fields = ("article", "procedure")
    fieldsets = (
        (None, {"fields": ("question", "answer", "topic", "order")}),
        (_("Links"), {"fields": ("article", "procedure")}),
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
    )


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ("title", "status", "next_review_due", "languages_complete", "needs_update", "readability")
    search_fields = ("title_en", "title_it")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body")}),
        (_("Publishing and review"), {"fields": REVIEW_FIELDS}),
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


@admin.register(Image)
class ImageAdmin(TranslationTabsAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

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
