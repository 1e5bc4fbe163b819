from modeltranslation.translator import TranslationOptions, register

from .models import FAQ, Article, Clinic, Clinician, Pack, Page, ProcedureNote, TimelineEntry, Topic

# Empty slugs are stored as NULL so that the per-language unique constraint allows many untranslated items.
SLUG_EMPTY = {"slug": None}
# Per language: who approved the live text, when, and the approval itself (see Publishable).
REVIEW = ("reviewed_by", "last_reviewed", "approval")


@register(Clinician)
class ClinicianTranslationOptions(TranslationOptions):
    fields = ("role", "credentials")


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "description")
    empty_values = SLUG_EMPTY


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "summary", "body", "text_changed", "text_version", "made_from", *REVIEW)
    empty_values = SLUG_EMPTY


@register(ProcedureNote)
class ProcedureNoteTranslationOptions(TranslationOptions):
    fields = (
        "title", "slug", "summary", *ProcedureNote.KEY_FACTS, *ProcedureNote.SECTIONS,
        "text_changed", "text_version", "made_from", *REVIEW,
    )
    empty_values = SLUG_EMPTY


@register(FAQ)
class FAQTranslationOptions(TranslationOptions):
    fields = ("question", "answer", "text_changed", "text_version", "made_from", *REVIEW)


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "summary", "body", "text_changed", "text_version", "made_from", *REVIEW)
    empty_values = SLUG_EMPTY


@register(Pack)
class PackTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "summary", "text_changed", "text_version", "made_from", *REVIEW)
    empty_values = SLUG_EMPTY


@register(TimelineEntry)
class TimelineEntryTranslationOptions(TranslationOptions):
    fields = ("label", "instruction")


@register(Clinic)
class ClinicTranslationOptions(TranslationOptions):
    fields = ("name", "address", "opening_hours", "emergency", "about_information")
