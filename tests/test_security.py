"""Production mode: refusing to start without a real secret, security headers, cookies, login throttling, logout."""
import os
import re
import secrets
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "clinic.example"}


def run_django(args, **env):
    """Run manage.py in a fresh interpreter with the real settings module and exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "clinic.settings"} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "short-key", settings.LOCAL_SECRET_KEY],
    ids=["unset", "empty", "short", "local default"],
)
def test_production_refuses_to_start_without_a_strong_secret_key(secret_key):
    env = PRODUCTION_ENV | ({"DJANGO_SECRET_KEY": secret_key} if secret_key is not None else {})
    result = run_django(["check"], **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a long random value" in result.stderr


def test_plain_http_is_refused_for_a_public_host_name():
    result = run_django(["check"], DJANGO_LOCAL_HTTP="1", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "DJANGO_LOCAL_HTTP=1" in result.stderr and "127.0.0.1" in result.stderr


def test_deploy_check_passes_with_production_values():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"], DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_local_http_mode_serves_without_https_on_loopback_only():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS)"
    )
    result = run_django(
        ["shell", "-c", code], DJANGO_DEBUG="0", DJANGO_LOCAL_HTTP="1", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["False", "False", "sessionid", "0"]


JSON_LD = "application/ld+json"
EXPECTED_CSP = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


@pytest.mark.parametrize("path", ["/en/", "/it/faq/", "/en/articles/missing/", "/admin/login/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path, secure=True)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert {name: policy.get(name) for name in EXPECTED_CSP} == EXPECTED_CSP
    # Scripts only from our own files, plus a per-response nonce where a template asked for one (the admin's).
    assert re.fullmatch(r"'self'( 'nonce-[\w-]+')?", policy["script-src"])
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # the production value; test_settings turns it off for the test client
    response = client.get("/en/faq/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/faq/"


def test_pages_have_no_inline_script_or_style(client):
    from .factories import make_article

    article = make_article()
    for response in (client.get("/en/"), client.get(article.get_absolute_url())):
        soup = BeautifulSoup(response.text, "html.parser")
        inline = [tag for tag in soup.find_all("script") if not tag.get("src") and tag.get("type") != JSON_LD]
        assert inline == [] and soup.find("style") is None and soup.find(style=True) is None


def test_error_page_has_no_inline_style():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert "/static/css/site.css" in html


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("clinician", password="correct-horse-battery", is_staff=True)


def sign_in(client, password, address="192.0.2.10", username="clinician", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_session_and_csrf_cookies_are_host_prefixed_secure_and_http_only(client, staff):
    response = sign_in(client, "correct-horse-battery")
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/" and not session["domain"]
    csrf = client.get(reverse("admin:login")).cookies.get("__Host-csrftoken") or client.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]


def test_five_failures_lock_that_username_from_that_address(client, staff):
    for _attempt in range(4):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.text and "15 minutes" in locked.text
    # Even the right password is refused from there until the pause ends.
    assert sign_in(client, "correct-horse-battery").status_code == 429


def test_lockout_does_not_reach_the_clinician_at_another_address(client, staff):
    for _attempt in range(6):
        sign_in(client, "wrong", address="203.0.113.66")
    assert sign_in(client, "correct-horse-battery", address="198.51.100.7").status_code == 302


def test_lockout_does_not_reach_other_usernames_from_the_same_address(client, staff, django_user_model):
    django_user_model.objects.create_user("reviewer", password="another-long-password", is_staff=True)
    for _attempt in range(5):
        sign_in(client, "wrong")
    response = sign_in(client, "another-long-password", username="reviewer")
    assert response.status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, staff, time_machine):
    time_machine.move_to("2026-06-01 09:00:00+00:00", tick=False)
    for _attempt in range(5):
        sign_in(client, "wrong")
    time_machine.move_to("2026-06-01 09:14:00+00:00", tick=False)
    assert sign_in(client, "correct-horse-battery").status_code == 429
    time_machine.move_to("2026-06-01 09:15:01+00:00", tick=False)
    assert sign_in(client, "correct-horse-battery").status_code == 302


def test_lockout_message_is_translated(client, staff):
    for _attempt in range(5):
        response = sign_in(client, "wrong", accept_language="it")
    assert response.status_code == 429
    assert 'lang="it"' in response.text
    assert "Accesso sospeso" in response.text and "15 minuti" in response.text


def test_common_and_short_passwords_are_refused():
    with pytest.raises(ValidationError) as common:
        validate_password("qwertyuiop123")
    assert "too common" in str(common.value)
    with pytest.raises(ValidationError):
        validate_password("Sh0rt!pass")
    validate_password("a meadow of quiet harbours")


def test_logout_works_by_post_only(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:logout")).status_code == 405
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_media_served_by_django_only_in_local_http_mode(settings, tmp_path):
    import importlib

    from django.urls import clear_url_caches, resolve
    from django.urls.exceptions import Resolver404

    import clinic.urls

    def media_route():
        clear_url_caches()
        try:
            return resolve("/media/images/x.png", urlconf=importlib.reload(clinic.urls)).func.__name__
        except Resolver404:
            return None

    try:
        settings.LOCAL_HTTP = True
        assert media_route() == "serve"
        settings.LOCAL_HTTP = False
        assert media_route() is None
    finally:
        settings.LOCAL_HTTP = False
        importlib.reload(clinic.urls)
        clear_url_caches()


def test_extra_media_origins_join_img_src_only():
    code = (
        "from django.conf import settings as s; c = s.SECURE_CSP; print(' '.join(c['img-src']), '|', *c['default-src'])"
    )
    origins = "https://media.clinic.example"
    result = run_django(["shell", "-c", code], DJANGO_DEBUG="1", DJANGO_CSP_MEDIA_ORIGINS=origins)
    img_src, default_src = result.stdout.splitlines()[-1].split(" | ")
    assert img_src == "'self' data: https://media.clinic.example"
    assert default_src == "'self'"
