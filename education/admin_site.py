"""The admin site, with a page listing the content whose medical review is due."""
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, gettext_noop

from clinic.two_factor import TwoFactorLoginForm, required_for, setup_view

from .models import FAQ, Article, Pack, Page, ProcedureNote

PUBLISHABLE_MODELS = (Article, ProcedureNote, FAQ, Page)
# pack: instruction packs have a medical review too.
PUBLISHABLE_MODELS += (Pack,)

# Strings staff see in the admin that Django's or a library's Italian catalogue leaves in English (new in Django 6,
# or never translated). Listed here so `makemessages` keeps them in our catalogue, which takes precedence; the
# Italian is in locale/it/LC_MESSAGES/django.po. Month and weekday names are there too, in lower case as Italian
# writes them ("martedì 1 dicembre").
LIBRARY_STRINGS = (
    gettext_noop("- Select an option -"),
    gettext_noop("Run"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Access attempts"),
    gettext_noop("Access failures"),
    gettext_noop("Access logs"),
    gettext_noop("January"), gettext_noop("February"), gettext_noop("March"), gettext_noop("April"),
    gettext_noop("May"), gettext_noop("June"), gettext_noop("July"), gettext_noop("August"),
    gettext_noop("September"), gettext_noop("October"), gettext_noop("November"), gettext_noop("December"),
    gettext_noop("Monday"), gettext_noop("Tuesday"), gettext_noop("Wednesday"), gettext_noop("Thursday"),
    gettext_noop("Friday"), gettext_noop("Saturday"), gettext_noop("Sunday"),
)
# Apps of libraries that name themselves after their Python label ("Otp_Static"): a name staff understand.
APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "otp_static": _("Emergency sign-in codes"),
    "otp_totp": _("Authenticator apps"),
}
# Their models, whose plural names are English in every language.
MODEL_NAMES = {
    ("otp_static", "StaticDevice"): _("Emergency code lists"),
    ("otp_totp", "TOTPDevice"): _("Authenticator app links"),
}


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

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get((app["app_label"], model["object_name"]), model["name"])
        return apps

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
