"""Whole-page cache for anonymous patients, cleared exactly when what they may see changes.

A cached page is stored under a key that contains the *content version*: a token kept in the shared cache and
replaced whenever content is saved, deleted or relinked, plus the next moment a scheduled item goes live. Changing
either makes every old key unreachable at once, so no page outlives an edit or a publish time, on any machine that
shares the cache. Nothing here is per-process state.
"""
import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "content:version"
NEXT_PUBLISH_KEY = "content:next-publish:{version}"
NO_SCHEDULED_ITEM = "none"
MISSING = object()
# Pages rebuild at least this often even if nothing changed: a safety net, not the invalidation mechanism.
PAGE_TIMEOUT = 24 * 60 * 60


def content_version():
    """The current token; a missing one (evicted, or a fresh cache) is replaced by a new random one, never reused."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version():
    """Make every cached page stale. Call it after any write that bypasses model signals (QuerySet.update)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _bump_now_and_after_commit():
    # Now, so the writing request itself never sees an old page; and again after commit, because a page rendered by
    # another request between the first bump and the commit was built from the old rows.
    bump_content_version()
    transaction.on_commit(bump_content_version)


def next_publish_at(version):
    """The earliest future publish time among published items, or None; one query per content version."""
    key = NEXT_PUBLISH_KEY.format(version=version)
    cached = cache.get(key)
    now = timezone.now()
    if cached == NO_SCHEDULED_ITEM:
        return None
    if cached is not None and cached > now:
        return cached
    from .models import Publishable

    querysets = [
        model.objects.boundaries()
        for model in apps.get_app_config("education").get_models()
        if issubclass(model, Publishable)
    ]
    first = querysets[0].union(*querysets[1:]).order_by("moment").first()
    moment = first["moment"] if first else None
    cache.set(key, moment or NO_SCHEDULED_ITEM, PAGE_TIMEOUT)
    return moment


def content_state(request):
    """(version, next publish time, key stamp) for this request, read from the cache once."""
    state = getattr(request, "_content_state", None)
    if state is None:
        version = content_version()
        boundary = next_publish_at(version)
        stamp = f"{version}:{boundary.timestamp() if boundary else '-'}"
        state = request._content_state = (version, boundary, stamp)
    return state


def per_content(request, name, compute):
    """compute(), shared through the cache until content changes or a scheduled item goes live."""
    _version, boundary, stamp = content_state(request)
    key = f"content:{name}:{stamp}"
    found = cache.get(key, MISSING)
    if found is MISSING:
        found = compute()
        cache.set(key, found, _timeout_until(boundary))
    return found


def _timeout_until(boundary):
    if boundary is None:
        return PAGE_TIMEOUT
    # Never outlive the next scheduled publish, even though the key changes then anyway.
    return max(1, min(PAGE_TIMEOUT, int((boundary - timezone.now()).total_seconds())))


def page_key(request):
    _version, _boundary, stamp = content_state(request)
    language = translation.get_language_from_path(request.path_info)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{stamp}:{language}:{path}"


# Outside the language prefixes only the sitemap: it lists every item in both languages, so building it costs
# about half a second at 1,000 articles, and crawlers fetch it often.
CACHED_UNPREFIXED_PATHS = {"/sitemap.xml"}


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # The patient pages and the sitemap: never the admin, the healthz probe or anything else.
        and (
            translation.get_language_from_path(request.path_info) is not None
            or request.path_info in CACHED_UNPREFIXED_PATHS
        )
    )


def is_cacheable_response(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    cache_control = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return not cache_control & {"private", "no-store", "no-cache"}


class PageCacheMiddleware:
    """Serve anonymous GET pages of the patient site from the cache, keyed by the content version.

    Sits above the session middleware: a request without a session cookie is anonymous, so a hit skips sessions,
    authentication and the view. Middleware below this one has already added its headers to the stored response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or not is_cacheable_request(request):
            response = self.get_response(request)
            self._bump_after_staff_write(request)
            return response

        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response

        response = self.get_response(request)
        if is_cacheable_response(request, response):
            _version, boundary, _stamp = content_state(request)
            stored = (response.status_code, list(response.items()), response.content)
            cache.set(key, stored, _timeout_until(boundary))
        return response

    @staticmethod
    def _bump_after_staff_write(request):
        # Admin bulk actions may use QuerySet.update(), which sends no signal; any staff write counts as a change.
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_staff:
            bump_content_version()


def content_changed(sender, **kwargs):
    """Receiver for post_save, post_delete and m2m_changed.

    A signal is the right hook here (the house style otherwise avoids them): invalidation must follow every write
    path, the admin, management commands and the shell alike, and it changes no data, it only forgets pages.
    """
    if kwargs["instance"]._meta.app_label != "education":
        return
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed also fires before the change
        _bump_now_and_after_commit()
