"""The editing screen's helpers for every content type (issue #18): checks while typing, a preview of the unsaved
form, and comparing versions in History. Mixed into PublishableAdmin. Only a restore writes, and it goes through
services.save_changes as any save does; the checks and the preview read and save nothing."""
import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from reversion.errors import RevertError
from reversion.models import Version

from . import quality, services
from .models import Status, glossary_defined, readability_summary, translated_text_fields
from .rules import rules_in_force


def _url_name(model, view):
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


class EditingToolsMixin:
    """URLs and page scripts of the editing helpers, for a ModelAdmin of a Publishable model."""

    # A function (request, item) -> (template, context) of the item's patient page, from education.views.
    preview_page = None
    object_history_template = "admin/education/object_history.html"
    change_list_template = "admin/change_list.html"  # without django-reversion's "Recover deleted" (see below)

    def get_urls(self):
        wrap = self.admin_site.admin_view  # staff only, CSRF-checked, never cached
        preview = wrap(require_POST(self.preview_view))
        return [
            path("check/", wrap(require_POST(self.check_view)), name=_url_name(self.model, "check")),
            path("preview/", preview, name=_url_name(self.model, "preview")),
            path("<path:object_id>/preview/", preview, name=_url_name(self.model, "preview_item")),
            path("<path:object_id>/history/compare/", wrap(self.compare_view), name=_url_name(self.model, "compare")),
            path("<path:object_id>/history/<int:version_id>/restore/", wrap(require_POST(self.restore_view)),
                 name=_url_name(self.model, "restore")),
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
        preview_language). Nothing is saved: the form only fills an unsaved copy of the item."""
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
        item = self._unsaved_item(request, obj)
        with translation.override(language):
            template, context = self.preview_page(request, item)
            response = render(request, template, {**context, "preview": True, "unsaved": True})
        patch_cache_control(response, no_store=True, private=True)
        return response

    def _unsaved_item(self, request, obj):
        """An unsaved instance holding what the form says: each valid field's value, the saved one otherwise."""

        class PreviewForm(self.get_form(request, obj, change=obj is not None)):
            def clean(self):
                # The stale-copy check (VersionedForm) guards a save with a row lock, in a transaction that SQLite
                # begins with the write lock; a preview saves nothing, so it takes no lock.
                pk, self.instance.pk = self.instance.pk, None
                try:
                    return super().clean()
                finally:
                    self.instance.pk = pk

        form = PreviewForm(request.POST, instance=obj)
        form.is_valid()  # fills form.instance; errors are the form's business when the editor saves
        item = form.instance
        if item.pk is None:
            item.pk = 0  # no row has it: the page's related lists are empty, as they are for a new item
        for code, _name in settings.LANGUAGES:
            if hasattr(item, f"slug_{code}") and not getattr(item, f"slug_{code}"):
                title = getattr(item, f"title_{code}", "") or ""
                setattr(item, f"slug_{code}", slugify(title) or "preview")  # the page's own links need one
        # The links chosen in the form, not the saved ones, for the page's topic, source and treatment lists.
        cache = {**getattr(item, "_prefetched_objects_cache", {})}
        for field in item._meta.many_to_many:
            if field.name in form.cleaned_data:
                cache[field.name] = form.cleaned_data[field.name]
        item._prefetched_objects_cache = cache
        return item

    # --- Compare versions in History, and restore one into the draft ----------------------------------------------

    def _versions(self, obj):
        return Version.objects.get_for_object(obj).select_related("revision__user").order_by("-revision__date_created")

    def _version_values(self, obj, version):
        """The text an editor saw in a saved version, per field: the row's, with its pending changes over it.
        Raises reversion's RevertError when the stored data cannot be read any more."""
        data = version.field_dict
        values = {}
        for code, _name in settings.LANGUAGES:
            for name in obj.language_fields(code):
                values[name] = data.get(name) or ""
        for name in obj.shared_fields:
            field = obj._meta.get_field(name)
            values[name] = (data.get(name) or []) if field.many_to_many else data.get(field.attname)
        values |= {name: value for name, value in (data.get("draft") or {}).items() if name in values}
        for name in obj.shared_fields:
            # A linked row deleted since is left out: restoring cannot bring back a link to nothing.
            field = obj._meta.get_field(name)
            ids = values[name] if field.many_to_many else [values[name]] if values[name] is not None else []
            kept = sorted(field.related_model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
            values[name] = kept if field.many_to_many else (kept[0] if kept else None)
        return values

    def _version_label(self, version):
        who = version.revision.user.get_username() if version.revision.user else "—"
        when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        return _("%(when)s by %(who)s") % {"when": when, "who": who}

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            opts = obj._meta
            extra_context = {
                **(extra_context or {}),
                "compare_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk]),
                "compare_versions": [{"version": v, "label": self._version_label(v)} for v in self._versions(obj)],
            }
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        """Two versions of an item (or one and the current text) side by side: per language, each field that
        differs as a word-by-word difference; either version may be restored into the draft from here."""
        from .admin import _diffs  # the sign-off page's word difference: one helper for both pages

        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(self._versions(obj))
        chosen = {str(version.pk): version for version in versions}
        older = chosen.get(request.GET.get("a", "")) or (versions[1] if len(versions) > 1 else None)
        newer = chosen.get(request.GET.get("b", ""))  # None: the current text
        current = obj.working_values()
        try:
            before = self._version_values(obj, older) if older else current
            after = self._version_values(obj, newer) if newer else current
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history",
                                                args=[obj.pk]))
        languages = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                diff = _diffs(obj, obj.approval_values(code, before), obj.approval_values(code, after))
            languages.append({"code": code, "name": name, "diff": diff})
        opts = obj._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %(item)s") % {"item": obj},
            "opts": opts,
            "original": obj,
            "versions": [{"version": v, "label": self._version_label(v)} for v in versions],
            "older": older,
            "newer": newer,
            "older_label": self._version_label(older) if older else "",
            "newer_label": self._version_label(newer) if newer else "",
            "item_languages": languages,
            "may_restore": self.has_change_permission(request, obj) and services.can_edit(request.user, obj),
            "is_live": obj.status == Status.PUBLISHED,
            "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            "history_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/education/compare_versions.html", context)

    def restore_view(self, request, object_id, version_id):
        """Put a saved version's text back as the item's working text, through the same service as a save: a live
        item keeps its live text (the old text becomes its pending changes) until a clinician approves it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = self._versions(obj).filter(pk=version_id).first()
        if version is None:
            raise Http404
        opts = obj._meta
        label = self._version_label(version)
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(_("Restored the text of the version of %(label)s") % {"label": label})
                services.save_changes(item=obj, user=request.user, values=self._version_values(obj, version))
        except (PermissionDenied, ValidationError, RevertError) as error:
            text = " ".join(getattr(error, "messages", [])) or str(error) or _("You may not change this item.")
            messages.error(request, text)
        else:
            messages.success(request, _("The text of the version of %(label)s is back in the form. Patients see it "
                                        "only after it is approved and published.") % {"label": label})
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    # django-reversion's own revert and recover write an old row back whole (status and approvals included): that
    # could put old text live without a sign-off. Its revert page leads to the comparison instead; deleted content
    # comes back only by writing it again.
    def revision_view(self, request, object_id, version_id, extra_context=None):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[object_id])
        return HttpResponseRedirect(f"{url}?a={int(version_id)}")

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied
