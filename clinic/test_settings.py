"""Settings for the test suite: the real settings with a fast hasher, a local cache and plain static files."""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-" + "x" * 50)

from clinic.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# The test client speaks plain http; every other production security setting stays as it is
# (tests/test_security.py checks the redirect itself with it switched back on).
SECURE_SSL_REDIRECT = False
# Two-step sign-in is exercised by tests/test_two_factor.py, which switches it on; every other test signs staff in
# with a password only (force_login or the login form), as `make run` does.
TWO_FACTOR_REQUIRED = False
