from django.contrib import admin

from education.admin import TranslationTabsAdmin

from .models import Term


@admin.register(Term)
class TermAdmin(TranslationTabsAdmin):
    list_display = ("term", "definition", "reviewed_by", "last_reviewed")
    list_filter = ("reviewed_by", "last_reviewed")
    search_fields = ("term_en", "term_it", "forms_en", "forms_it")
    prepopulated_fields = {"slug": ("term_en",)}
    autocomplete_fields = ("reviewed_by",)
    list_select_related = ("reviewed_by",)
