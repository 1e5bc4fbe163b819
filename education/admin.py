from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import FAQ, Article, Clinic, Clinician, Image, Page, ProcedureNote, Source, Topic

REVIEW_FIELDSET = (
    _("Publishing and review"),
    {"fields": ("status", "publish_at", "reviewed_by", "last_reviewed", "next_review_due")},
)


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, _("Missing %(language)s") % {"language": name}) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.missing_translation(self.value())
        return queryset


class PublishableAdmin(TabbedTranslationAdmin):
    list_filter = ("status", TranslationStatusFilter, "reviewed_by")
    date_hierarchy = "publish_at"
    list_select_related = ("reviewed_by",)

    @admin.display(description=_("languages complete"))
    def languages_complete(self, obj):
        missing = obj.missing_languages()
        return ", ".join(code.upper() for code, _name in settings.LANGUAGES if code not in missing) or "—"


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ("title", "status", "publish_at", "last_reviewed", "next_review_due", "languages_complete")
    list_filter = (*PublishableAdmin.list_filter, "topics")
    search_fields = ("title_en", "title_it", "summary_en", "summary_it")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("topics", "procedures", "sources")
    autocomplete_fields = ("image",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "image")}),
        (_("Links"), {"fields": ("topics", "procedures", "sources")}),
        REVIEW_FIELDSET,
    )


@admin.register(ProcedureNote)
class ProcedureNoteAdmin(PublishableAdmin):
    list_display = ("title", "status", "publish_at", "last_reviewed", "next_review_due", "languages_complete")
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
        REVIEW_FIELDSET,
    )


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    list_display = ("question", "topic", "order", "status", "next_review_due", "languages_complete")
    list_filter = (*PublishableAdmin.list_filter, "topic")
    list_select_related = ("topic", "reviewed_by")
    search_fields = ("question_en", "question_it", "answer_en", "answer_it")
    autocomplete_fields = ("article", "procedure")
    fieldsets = (
        (None, {"fields": ("question", "answer", "topic", "order")}),
        (_("Links"), {"fields": ("article", "procedure")}),
        REVIEW_FIELDSET,
    )


@admin.register(Topic)
class TopicAdmin(TabbedTranslationAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_en", "name_it")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Clinician)
class ClinicianAdmin(TabbedTranslationAdmin):
    list_display = ("name", "role", "credentials")
    search_fields = ("name", "role_en", "role_it")
    autocomplete_fields = ("photo",)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "year")
    search_fields = ("title", "publisher")
    list_filter = ("publisher",)


@admin.register(Clinic)
class ClinicAdmin(TabbedTranslationAdmin):
    list_display = ("name", "phone", "email")


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ("title", "status", "last_reviewed", "next_review_due", "languages_complete")
    search_fields = ("title_en", "title_it")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = ((None, {"fields": ("title", "slug", "summary", "body")}), REVIEW_FIELDSET)


@admin.register(Image)
class ImageAdmin(TabbedTranslationAdmin):
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
            '<img src="{}" alt="" width="120" height="{}" style="object-fit: contain">',
            obj.thumbnail_url,
            round(120 * obj.height / obj.width) if obj.width else 120,
        )
