"""The admin site, with a page listing the content whose medical review is due."""
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.two_factor import TwoFactorLoginForm, required_for, setup_view

from .models import FAQ, Article, Page, ProcedureNote

PUBLISHABLE_MODELS = (Article, ProcedureNote, FAQ, Page)


class ClinicAdminSite(admin.AdminSite):
    site_header = _("Clinic patient information")
    site_title = _("Clinic admin")
    index_title = _("Content")
    # Two-step sign-in (clinic/two_factor.py): a code field after the password.
    login_form = TwoFactorLoginForm
    login_template = "admin/two_factor/login.html"

    def get_urls(self):
        return [
            path("review-due/", self.admin_view(self.review_due_view), name="review_due"),
            path("two-factor/", setup_view, name="two_factor_setup"),
            *super().get_urls(),
        ]

    def has_permission(self, request):
        return super().has_permission(request) and (not required_for(request.user) or request.user.is_verified())

    def review_due_view(self, request):
        """Items overdue for their medical review or due within 30 days, most urgent first."""
        rows = []
        for model in PUBLISHABLE_MODELS:
            if not request.user.has_perm(f"education.view_{model._meta.model_name}"):
                continue
            for item in model.objects.review_due().select_related("reviewed_by"):
                rows.append({"item": item, "type": model._meta.verbose_name, "missing": item.missing_languages()})
        rows.sort(key=lambda row: row["item"].next_review_due or timezone.localdate())
        context = {
            **self.each_context(request),
            "title": _("Medical review due"),
            "rows": rows,
            "today": timezone.localdate(),
            "languages": settings.LANGUAGES,
        }
        return TemplateResponse(request, "admin/education/review_due.html", context)
