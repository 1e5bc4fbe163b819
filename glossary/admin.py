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

    def get_readonly_fields(self, request, obj=None):
        # Only a clinical reviewer signs a term off; patients see it from then on.
        if request.user.has_perm("glossary.review_term"):
            return super().get_readonly_fields(request, obj)
        return (*super().get_readonly_fields(request, obj), "reviewed_by", "last_reviewed")
