"""The admin of the risky-claim rules: clinical reviewers and administrators edit them, editors read them."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import quality
from .rules import ClaimRule


@admin.register(ClaimRule)
class ClaimRuleAdmin(admin.ModelAdmin):
    list_display = ("pattern", "language", "category", "reason", "active", "updated_at")
    list_filter = ("language", "category", "active")
    search_fields = ("pattern", "reason", "suggestion")
    fields = ("language", "category", "pattern", "reason", "suggestion", "active", "word_lists")
    readonly_fields = ("word_lists",)
    actions = ["activate", "deactivate"]

    @admin.display(description=_("word lists a pattern may use"))
    def word_lists(self, obj):
        return "; ".join(
            f"{code.upper()}: " + ", ".join(f"{{{name}}}" for name in quality.word_lists(code))
            for code in quality.LANGUAGES
        )

    @admin.action(description=_("Turn the selected rules on"), permissions=["change"])
    def activate(self, request, queryset):
        queryset.update(active=True)

    @admin.action(description=_("Turn the selected rules off"), permissions=["change"])
    def deactivate(self, request, queryset):
        queryset.update(active=False)
