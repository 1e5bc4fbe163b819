"""Settings for the clinic portal, read from environment variables with safe local defaults.

Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL; README lists them all.
"""
import datetime
import importlib.util
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import jquery_ui

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Only good for a developer's own machine; production must bring its own key.
LOCAL_SECRET_KEY = "local-development-only-not-secret-4b1f0c0e6e0a4f7c9b2e8d3a1c5f7e9b"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = LOCAL_SECRET_KEY
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == LOCAL_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off, so DJANGO_SECRET_KEY must be set to a long random value (50 characters or more), "
        "for example the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "For local development set DJANGO_DEBUG=1 instead."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its tabs and widgets win.
    "modeltranslation",
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # search's PostgreSQL engine: its tsvector fields and query expressions
    "reversion",
    "images",
    "search",
    "education",
    "feedback",
    "glossary",
    "axes",  # sign-in throttling (AXES_* below)
    "django_otp",  # two-step sign-in (TWO_FACTOR_* below)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions on purpose: a cache hit for an anonymous patient skips everything below it.
    "education.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "clinic.security.StripNulFromQueryMiddleware",  # before any view or filter reads the query string
    "django.middleware.common.CommonMiddleware",
    "clinic.security.CleanPostedTextMiddleware",  # before any form sees the posted text
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # needs request.user
    "clinic.two_factor.TwoFactorMiddleware",  # needs the OTP state
    "clinic.security.StaffSessionIdleMiddleware",  # SESSION_COOKIE_AGE below
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # sign-in throttling
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    # Patient pages: Jinja2 (clinic/jinja2.py says why). Listed first, so their names resolve here.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {
            "environment": "clinic.jinja2.environment",
            "context_processors": ["education.context_processors.clinic"],
        },
    },
    # The admin, its sign-in and two-step pages, e-mails.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "education.context_processors.clinic",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several server processes on one file: a transaction takes the write lock when it begins (so the admin's
    # stale-copy check and its save happen under one lock, as a row lock does on PostgreSQL), a writer waits up to
    # 20 s for another instead of failing with "database is locked", and WAL lets patients read during a save.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
elif os.environ.get("DJANGO_DATABASE_PREPARE", "1") != "0":
    # Patient pages run the same few queries on every request (education/page_data.py): the server keeps each one
    # parsed and planned per connection from its second run. Off (DJANGO_DATABASE_PREPARE=0) behind a pooler that
    # cannot keep prepared statements, such as PgBouncer in transaction mode without max_prepared_statements.
    # (psycopg's option: the ORM's own cursors bind values into the SQL text, so only those queries are prepared.)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# With the database unreachable, visitors get a short 503 page that asks browsers to retry after this many seconds.
DATABASE_RETRY_AFTER = int(os.environ.get("DJANGO_DATABASE_RETRY_AFTER", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italian"))]
# Each language's locale for social previews (og:locale); a language missing here gets its bare code.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "it": "it_IT"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
FORMAT_MODULE_PATH = ["clinic.formats"]  # Italian dates without leading zeros (clinic/formats/it)
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# modeltranslation reads this name (no MODELTRANSLATION_ prefix); the default points at a public CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/jquery-ui", jquery_ui.BASE_DIR)]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images on an S3-compatible object store, so several machines share them (README: "Images and media
# storage"). Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, read by boto3.
MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
if MEDIA_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE=s3 needs django-storages with boto3: pip install 'django-storages[s3]==1.14.6'"
        )
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket for media files.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Patient pages may be cached: plain URLs, not signed ones that expire.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
            # Every stored name is new, so browsers and CDNs may keep a file for good.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE must be 'filesystem' (the default) or 's3'.")



# A shared cache that stops answering must not hold a patient's request for long: pages are then served uncached.
CACHE_TIMEOUT_SECONDS = 0.5


def cache_from_url(url):
    """DJANGO_CACHE_URL: empty for this process's memory, redis://host:port/db, or memcached://host:port.

    Any of them is right with several workers or machines: what makes a page stale is kept in the database
    (education/cache.py). A shared one only saves each process rendering the same pages again.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
    if url.startswith("memcached://"):
        servers = url.removeprefix("memcached://").split(",")
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": servers,
            "OPTIONS": {"connect_timeout": CACHE_TIMEOUT_SECONDS, "timeout": CACHE_TIMEOUT_SECONDS},
        }
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL must start with redis://, rediss:// or memcached://, not {url!r}.")


CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", "").strip())}
# Whole anonymous pages from the cache (education/cache.py); DJANGO_PAGE_CACHE=0 turns it off, e.g. to measure.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)

MAILERS = {
    "default": {"BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@clinic.invalid")

LOGIN_URL = "admin:login"

# Patient feedback (feedback/): how long answers are kept, how long a printed form stays valid (longer than a
# cached page lives, see education/cache.py), and how many answers one address may send about one page.
FEEDBACK_RETENTION_DAYS = int(os.environ.get("DJANGO_FEEDBACK_RETENTION_DAYS", "365"))
FEEDBACK_TOKEN_MAX_AGE = 2 * 24 * 60 * 60
FEEDBACK_RATE_LIMIT = 3
FEEDBACK_RATE_WINDOW = 60 * 60

# --- Security: headers, cookies, CSP and login throttling (README "Security" lists what this promises) ---
from django.utils.csp import CSP  # noqa: E402

# `make serve` runs production settings over plain http on the loopback address; nothing else may.
LOCAL_HTTP = env_bool("DJANGO_LOCAL_HTTP", False)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if LOCAL_HTTP and not DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_LOCAL_HTTP=1 serves the portal without HTTPS, which is only allowed on this machine: "
        "set DJANGO_ALLOWED_HOSTS to 127.0.0.1,localhost or unset DJANGO_LOCAL_HTTP."
    )
HTTPS_ONLY = not DEBUG and not LOCAL_HTTP

SECURE_SSL_REDIRECT = HTTPS_ONLY
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that terminates TLS and always sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A staff session ends after this long without a request (clinic.security.StaffSessionIdleMiddleware moves the
# end on with activity, saving the session at most every five minutes); patients have no session.
SESSION_COOKIE_AGE = int(float(os.environ.get("DJANGO_STAFF_SESSION_IDLE_HOURS", "8")) * 3600)
SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
if HTTPS_ONLY:
    # Browsers accept a __Host- cookie only when it is Secure, for path "/" and without a Domain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None

# Content-Security-Policy on every response, in debug too, so a violation shows up during development.
# The nonce appears in the header only on pages whose template used {{ csp_nonce }}.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Media on an object store or CDN are served from its own origin, e.g. https://media.clinic.example.
    "img-src": [CSP.SELF, "data:", *env_list("DJANGO_CSP_MEDIA_ORIGINS", "")],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Login throttling (django-axes): five failures lock that username *from that address* for 15 minutes, so a
# stranger elsewhere cannot lock a clinician out. Addresses come from REMOTE_ADDR (see README behind a proxy).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked pair stays locked for exactly the cool-off time, however often it is retried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client address: REMOTE_ADDR, or X-Forwarded-For only when the connection comes from one of these proxies
# (addresses or networks, comma-separated, e.g. "10.0.0.5,10.1.0.0/24"); clinic.security.client_ip.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "")
TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(proxy, strict=False) for proxy in TRUSTED_PROXIES]
AXES_CLIENT_IP_CALLABLE = "clinic.security.client_ip"
# The sign-in log administrators read in the admin ("Axes"): every sign-in (AccessLog) and every failure.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_CALLABLE = "clinic.security.axes_username"

# Two-step sign-in for staff (clinic/two_factor.py, django-otp): required, when on, for superusers and these roles;
# anyone else may set it up. Off by default with debug on, so the demo accounts of `make run` sign in with a password.
TWO_FACTOR_REQUIRED = env_bool("DJANGO_TWO_FACTOR", not DEBUG)
TWO_FACTOR_ROLES = ["Clinical reviewers", "Administrators"] + (
    ["Editors"] if env_bool("DJANGO_TWO_FACTOR_EDITORS", False) else []
)
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Clinic portal")

# Production sends real e-mail unless told otherwise; the console backend is for development only.
if not DEBUG and "DJANGO_EMAIL_BACKEND" not in os.environ:
    MAILERS["default"]["BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
