"""Two-factor sign-in for staff (django-otp): a code from an authenticator app (TOTP), or one of ten single-use
recovery codes, after the password.

Who must use it is one rule, `required_for()`: with DJANGO_TWO_FACTOR on (the default when debug is off), every
superuser and everyone in settings.TWO_FACTOR_ROLES. Anyone else who has set up an app is asked for its code too.
Someone who must but has not set it up yet is sent to the setup page before any other admin page.
"""
import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def required_for(user):
    if not (settings.TWO_FACTOR_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.TWO_FACTOR_ROLES).exists()


def _devices(user):
    return [*TOTPDevice.objects.devices_for_user(user, confirmed=True),
            *StaticDevice.objects.devices_for_user(user, confirmed=True)]


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin sign-in with a third field for the app's code or a recovery code, asked of whoever has a device."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Leave it empty if you have not set up an authenticator app yet."),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        devices = _devices(user) if user else []
        if not devices:
            return cleaned
        token = "".join((cleaned.get("otp_token") or "").split()).lower()
        with transaction.atomic():
            device = next((d for d in devices if token and d.verify_is_allowed()[0] and d.verify_token(token)), None)
        if device is None:
            # Counted by the login throttling like a wrong password, so codes cannot be guessed either.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise forms.ValidationError(
                _("Enter the current code from your authenticator app, or one of your recovery codes."),
                code="otp_required",
            )
        user.otp_device = device  # django-otp records it in the session when the login completes
        return cleaned


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code your app shows now"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("That code is not right. Check the time on your phone and try the new code."))
        return code


def setup_view(request):
    """Set up an authenticator app: scan the QR code, confirm with a code, then note the recovery codes once."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        left = StaticToken.objects.filter(device__user=request.user, device__confirmed=True).count()
        context = {**admin.site.each_context(request), "title": _("Two-step sign-in"), "codes_left": left}
        return TemplateResponse(request, "admin/two_factor/status.html", context)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name=str(_("Authenticator app")), confirmed=False
    )
    form = SetupForm(request.POST or None, device=device)
    context = {**admin.site.each_context(request), "title": _("Set up two-step sign-in"), "form": form}
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            StaticDevice.objects.filter(user=request.user).delete()
            recovery = StaticDevice.objects.create(user=request.user, name=str(_("Recovery codes")))
            codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
            recovery.token_set.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        otp_login(request, device)
        context |= {"title": _("Your recovery codes"), "codes": codes}
        return TemplateResponse(request, "admin/two_factor/codes.html", context)
    qr = segno.make(device.config_url, error="m")
    context |= {"qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff"), "secret": _grouped(device.config_url)}
    return TemplateResponse(request, "admin/two_factor/setup.html", context)


def _grouped(config_url):
    from urllib.parse import parse_qs, urlsplit

    secret = parse_qs(urlsplit(config_url).query)["secret"][0]
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class TwoFactorMiddleware:
    """Before any admin page, someone who must use two-step sign-in and has not completed it is sent on: to the
    setup page when they have no app yet, else back to the sign-in (their session was started without it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(reverse("admin:index"))
            and request.path not in {reverse(f"admin:{name}") for name in ("login", "logout", "two_factor_setup")}
            and request.user.is_authenticated
            and not request.user.is_verified()
            and required_for(request.user)
        ):
            if not TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
                return redirect("admin:two_factor_setup")
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)
