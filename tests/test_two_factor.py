"""Staff sign-in a clinic can defend: two-step sign-in, throttling behind a trusted proxy, idle expiry, a sign-in
log."""
import datetime
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import make_staff

pytestmark = pytest.mark.django_db
ADMIN = "/admin/"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, username, token="", address="192.0.2.10", **extra):
    data = {"username": username, "password": "pw", "otp_token": token, "next": ADMIN}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **extra)


def app_for(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.mark.parametrize("role", ["Clinical reviewers", "Administrators"])
def test_reviewer_or_administrator_without_an_app_must_set_one_up_first(client, role, time_machine):
    time_machine.move_to(datetime.datetime.now(datetime.UTC))
    make_staff("dr", role)
    assert sign_in(client, "dr").status_code == 302
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url == reverse("admin:two_factor_setup")
    assert client.get("/admin/education/article/").url == reverse("admin:two_factor_setup")

    page = client.get(reverse("admin:two_factor_setup"))
    assert "<svg" in page.text and "otpauth" not in page.text  # the QR code, and the key typed out
    device = TOTPDevice.objects.get(user__username="dr", confirmed=False)
    wrong = client.post(reverse("admin:two_factor_setup"), {"code": "000000" if code(device) != "000000" else "1"})
    assert "not right" in wrong.text and client.get(ADMIN).status_code == 302
    time_machine.shift(datetime.timedelta(seconds=2))  # django-otp makes a device wait a second after a failure

    done = client.post(reverse("admin:two_factor_setup"), {"code": code(device)})
    codes = [li.split("</code>")[0] for li in done.text.split("<li><code>")[1:]]
    assert len(codes) == 10 and len(set(codes)) == 10
    index = client.get(ADMIN)
    assert index.status_code == 200 and reverse("admin:two_factor_setup") in index.text
    assert "10 recovery codes left" in client.get(reverse("admin:two_factor_setup")).text

    # Next time: the app's code, or a recovery code, once.
    client.logout()
    time_machine.shift(datetime.timedelta(seconds=60))
    device.refresh_from_db()
    assert sign_in(client, "dr", code(device)).status_code == 302
    assert client.get(ADMIN).status_code == 200
    client.logout()
    assert sign_in(client, "dr", codes[3].upper()).status_code == 302
    assert client.get(ADMIN).status_code == 200
    client.logout()
    assert sign_in(client, "dr", codes[3]).status_code == 200, "a recovery code works once"
    assert StaticDevice.objects.get(user__username="dr").token_set.count() == 9


def test_without_the_code_the_password_alone_does_not_sign_in(client):
    device = app_for(make_staff("dr", "Clinical reviewers"))
    for token in ("", "123456" if code(device) != "123456" else "654321"):
        response = sign_in(client, "dr", token)
        assert response.status_code == 200
        assert "Enter the current code from your authenticator app" in response.text
        assert client.get(ADMIN).status_code == 302
    assert AccessFailureLog.objects.filter(username="dr").count() == 2


def test_wrong_codes_count_towards_the_lockout(client):
    device = app_for(make_staff("dr", "Clinical reviewers"))
    for _n in range(5):
        sign_in(client, "dr", "000000" if code(device) != "000000" else "111111")
    response = sign_in(client, "dr", code(device))
    assert response.status_code == 429
    assert client.get(ADMIN).status_code == 302


def test_code_prompt_is_translated(client):
    app_for(make_staff("dr", "Clinical reviewers"))
    response = sign_in(client, "dr", headers={"accept-language": "it"})
    assert "app di autenticazione, oppure un codice di recupero" in response.text
    assert "Inserisci il codice" in response.text


def test_editors_may_skip_two_step_sign_in_unless_the_setting_asks_for_it(client, settings):
    make_staff("ed", "Editors")
    sign_in(client, "ed")
    assert client.get(ADMIN).status_code == 200
    client.logout()
    settings.TWO_FACTOR_ROLES = [*settings.TWO_FACTOR_ROLES, "Editors"]
    sign_in(client, "ed")
    assert client.get(ADMIN).url == reverse("admin:two_factor_setup")


def test_editor_who_set_up_an_app_is_asked_for_its_code(client):
    app_for(make_staff("ed", "Editors"))
    assert sign_in(client, "ed").status_code == 200
    assert client.get(ADMIN).status_code == 302


def test_session_started_without_the_second_step_is_sent_back_to_sign_in(client):
    user = make_staff("dr", "Administrators")
    app_for(user)
    client.force_login(user)  # e.g. a session from before the app was added
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get(ADMIN).url.startswith(LOGIN)


def test_with_two_factor_off_demo_accounts_sign_in_with_a_password(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    make_staff("admin", "Administrators", is_superuser=True)
    assert sign_in(client, "admin").status_code == 302
    assert client.get(ADMIN).status_code == 200


def settings_with(probe, **env):
    """What `probe` prints in a fresh process with the real settings and these environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_SETTINGS_MODULE": "clinic.settings", **env,
    }
    return subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", probe], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize(("debug", "expected"), [("1", "False"), ("0", "True")])
def test_two_factor_is_on_exactly_when_debug_is_off(debug, expected):
    probe = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED, settings.TWO_FACTOR_ROLES)"
    assert settings_with(probe, DJANGO_DEBUG=debug) == f"{expected} ['Clinical reviewers', 'Administrators']"


# --- throttling behind a trusted proxy ---

def behind(client, settings, proxies):
    """Trust `proxies`, make the editor "dr"; return attempt(password, remote, forwarded) -> status code."""
    import ipaddress

    settings.TWO_FACTOR_REQUIRED = False
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(proxy) for proxy in proxies]
    make_staff("dr", "Editors")

    def attempt(password, remote, forwarded):
        data = {"username": "dr", "password": password, "next": ADMIN}
        return client.post(LOGIN, data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code

    return attempt


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(client, settings):
    attempt = behind(client, settings, ["10.0.0.0/24"])
    for _n in range(5):
        attempt("wrong", "10.0.0.5", "203.0.113.9, 10.0.0.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert attempt("pw", "10.0.0.5", "203.0.113.9") == 429
    assert attempt("pw", "10.0.0.5", "198.51.100.20") == 302, "a clinician elsewhere behind the proxy is not locked"


def test_forwarded_for_from_anyone_else_is_ignored(client, settings):
    attempt = behind(client, settings, ["10.0.0.5/32"])
    for n in range(5):
        attempt("wrong", "192.0.2.66", f"203.0.113.{n}")  # a made-up, rotating X-Forwarded-For: still one address
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.66"]
    assert attempt("pw", "192.0.2.66", "203.0.113.200") == 429


def test_trusted_proxies_setting_is_read_from_the_environment():
    probe = "from django.conf import settings; print(*settings.TRUSTED_PROXY_NETWORKS)"
    assert settings_with(probe, DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES="10.0.0.5, 10.1.0.0/24") == (
        "10.0.0.5/32 10.1.0.0/24"
    )


# --- idle staff sessions end ---

def test_staff_session_ends_after_eight_idle_hours_and_activity_keeps_it(client, settings, time_machine):
    settings.TWO_FACTOR_REQUIRED = False
    make_staff("ed", "Editors")
    time_machine.move_to(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
    sign_in(client, "ed")
    for _hour in range(3):  # a working day with a request every seven hours
        time_machine.shift(datetime.timedelta(hours=7))
        assert client.get(ADMIN).status_code == 200
    time_machine.shift(datetime.timedelta(hours=8, minutes=1))
    response = client.get(ADMIN)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- the sign-in log ---

def test_administrators_read_every_sign_in_and_failure_in_the_admin(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    make_staff("ed", "Editors")
    client.post(LOGIN, {"username": "ed", "password": "wrong"}, REMOTE_ADDR="192.0.2.1")
    sign_in(client, "ed", address="192.0.2.2")
    assert AccessFailureLog.objects.get().ip_address == "192.0.2.1"
    assert AccessLog.objects.get().ip_address == "192.0.2.2"
    client.logout()
    make_staff("boss", "Administrators")
    sign_in(client, "boss")
    for url in ("/admin/axes/accesslog/", "/admin/axes/accessfailurelog/"):
        page = client.get(url)
        assert page.status_code == 200 and "192.0.2." in page.text
    client.logout()
    sign_in(client, "ed", address="192.0.2.3")
    assert client.get("/admin/axes/accesslog/").status_code == 403


def test_the_idle_clock_starts_at_every_sign_in_from_the_moment_the_apps_are_ready():
    """The receiver is connected when Django starts, not when the middleware is first imported: a sign-in before
    any request (a test client's login, a shell) would otherwise leave the session without its start."""
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import user_logged_in\n"
        "print([key for (key, _sender), *_ in user_logged_in.receivers])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.test_settings"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert "clinic.security.seen_at_sign_in" in result.stdout
