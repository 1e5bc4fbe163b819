"""The editing screen's helpers for every content type (issue #18): checks while typing, a preview of the unsaved
form, and comparing versions in History. Mixed into PublishableAdmin; nothing here writes to the database."""
from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import quality
from .models import glossary_defined, readability_summary, translated_text_fields
from .rules import rules_in_force


def _url_name(model, view):
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


class EditingToolsMixin:
    """URLs and page scripts of the editing helpers, for a ModelAdmin of a Publishable model."""

    # A function (request, item) -> (template, context) of the item's patient page, from education.views.
    preview_page = None

    def get_urls(self):
        wrap = self.admin_site.admin_view  # staff only, CSRF-checked, never cached
        preview = wrap(require_POST(self.preview_view))
        return [
            path("check/", wrap(require_POST(self.check_view)), name=_url_name(self.model, "check")),
            path("preview/", preview, name=_url_name(self.model, "preview")),
            path("<path:object_id>/preview/", preview, name=_url_name(self.model, "preview_item")),
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
        media = super().media + forms.Media(js=[checks])
        if self.preview_page is not None:
            media += forms.Media(js=[forms.Script("js/admin-preview.js")])
        return media

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.preview_page is not None:
            name = _url_name(self.model, "preview_item" if obj is not None and obj.pk else "preview")
            args = [obj.pk] if obj is not None and obj.pk else []
            context = {**context, "preview_url": reverse(f"admin:{name}", args=args),
                       "preview_languages": settings.LANGUAGES}
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    # --- Preview beside the form ------------------------------------------------------------------------------

    def preview_view(self, request, object_id=None):
        """The patient page of the form's unsaved text in one language (POST: the form's fields and
        preview_language). Nothing is saved: the form only fills an instance, in a transaction rolled back."""
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        language = request.POST.get("preview_language", "")
        if language not in dict(settings.LANGUAGES):
            return HttpResponseBadRequest(_("Unknown language."))
        with transaction.atomic():
            item = self._unsaved_item(request, obj)
            with translation.override(language):
                template, context = self.preview_page(request, item)
                response = render(request, template, {**context, "preview": True, "unsaved": True})
            transaction.set_rollback(True)
        patch_cache_control(response, no_store=True, private=True)
        return response

    def _unsaved_item(self, request, obj):
        """An unsaved instance holding what the form says: each valid field's value, the saved one otherwise."""
        form_class = self.get_form(request, obj, change=obj is not None)
        form = form_class(request.POST, instance=obj)
        form.is_valid()  # fills form.instance; errors are the form's business when the editor saves
        item = form.instance
        if item.pk is None:
            item.pk = 0  # no row has it: the page's related lists are empty, as they are for a new item
        for code, _name in settings.LANGUAGES:
            if hasattr(item, f"slug_{code}") and not getattr(item, f"slug_{code}"):
                title = getattr(item, f"title_{code}", "") or ""
                setattr(item, f"slug_{code}", slugify(title) or "preview")  # the page's own links need one
        # The links chosen in the form, not the saved ones, for the page's topic, source and treatment lists.
        cache = getattr(item, "_prefetched_objects_cache", {})
        for field in item._meta.many_to_many:
            if field.name in form.cleaned_data:
                cache[field.name] = form.cleaned_data[field.name]
        item._prefetched_objects_cache = cache
        return item
