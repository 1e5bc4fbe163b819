from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Search synonyms per language (search/engine.py applies them to queries)."""

    list_display = ("__str__", "language")
    list_filter = ("language",)
    search_fields = ("terms",)
