"""The editing screen's helpers for every content type (issue #18): checks while typing, a preview of the unsaved
form, and comparing versions in History. Mixed into PublishableAdmin; nothing here writes to the database."""
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import quality
from .models import glossary_defined, readability_summary, translated_text_fields
from .rules import rules_in_force


def _url_name(model, view):
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


class EditingToolsMixin:
    """URLs and page scripts of the editing helpers, for a ModelAdmin of a Publishable model."""

    def get_urls(self):
        wrap = self.admin_site.admin_view  # staff only, CSRF-checked, never cached
        return [
            path("check/", wrap(require_POST(self.check_view)), name=_url_name(self.model, "check")),
            *super().get_urls(),
        ]

    @property
    def media(self):
        checks = forms.Script(
            "js/admin-checks.js",
            **{
                "data-url": reverse(f"admin:{_url_name(self.model, 'check')}"),
                "data-fields": " ".join(translated_text_fields(self.model, localized=False)),
                "data-languages": " ".join(code for code, _name in settings.LANGUAGES),
            },
        )
        return super().media + forms.Media(js=[checks])

    # --- Checks as you type ------------------------------------------------------------------------------------

    def check_view(self, request):
        """The checks the save runs (quality.check_field), on the unsaved text of one field in one language.

        POST field (e.g. "body"), language and text; the answer is JSON with the findings and their HTML in the
        editor's language. Reads the rules and the glossary, writes nothing."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        field, language = request.POST.get("field", ""), request.POST.get("language", "")
        if field not in translated_text_fields(self.model, localized=False):
            return JsonResponse({"error": _("This field is not checked.")}, status=400)
        if language not in dict(settings.LANGUAGES):
            return JsonResponse({"error": _("Unknown language.")}, status=400)
        text = request.POST.get("text", "").replace("\r\n", "\n")  # as the form stores it (PublishableForm.clean)
        found = quality.check_field(text, language, rules_in_force(language))
        claims = [{"language": language, "field": field, **claim._asdict()} for claim in found.claims]
        accessibility = [{"field": field, **finding._asdict()} for finding in found.accessibility]
        # The readability of this field alone (the saved score covers all of the item's scored fields together).
        score = None
        if field in self.model.readability_fields:
            score = readability_summary(quality.readability(text, language, glossary=glossary_defined(language)))
        context = {"readability": score, "claims": claims, "accessibility": accessibility}
        html = render_to_string("admin/education/_live_checks.html", context, request=request)
        return JsonResponse({"field": field, "language": language, **context, "html": html})
