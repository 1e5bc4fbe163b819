"""Whole-page cache for anonymous patients: right on every worker and machine, and cleared only where content changed.

What marks a page stale lives in the database, not in the cache: *content versions*, one row per scope in the table
`education_content_version`, changed in the same transaction as the content they describe. Every process on every
machine sees a change exactly when it commits. A patient request reads the versions it needs in one indexed query
and looks its page up under a key made of them, so any cache backend is right: each process's own memory, or a Redis
or Memcached that several machines share (which only saves them rendering the same page each).

Scopes:
- "site": what every page shows (the clinic, topics, reviewers, sources, images, the pages in the footer).
- "lists": pages that list items (home, topics, lists, FAQ list, search, sitemap, feed); any change to an item.
- "claimrules": no page, the version of the staff's risky-claim rules (education/rules.py), kept here so that the
  portal has one store of versions.
- one per address of an item's page: a change to that item, or to an item related to it either way (what its page
  shows, or what shows it), before and after the change, so an edit leaves every other item's page warm.
An item's page keys on "site" and its own address; every other page on "site" and "lists"; and every page on the
next moment a scheduled item goes live, so no page outlives a publish time.

If the cache itself fails (a shared Redis or Memcached is down), pages are served uncached and the failure is logged.
"""
import contextlib
import contextvars
import datetime
import functools
import hashlib
import logging
import secrets
import time
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import ForeignObjectRel, signals
from django.http import HttpResponse
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils import timezone, translation

from .database import fetch_all

logger = logging.getLogger(__name__)

TABLE = "education_content_version"
SITE = "site"
LISTS = "lists"
CLAIM_RULES = "claimrules"
# Not versions: when the next scheduled item goes live, and when that was worked out (see bump()).
NEXT_PUBLISH = "next-publish"
NEXT_PUBLISH_CHECKED = "next-publish-checked"
MOMENTS = {NEXT_PUBLISH, NEXT_PUBLISH_CHECKED}
# The views that show one item (and the items related to it) key on their own address's version: the URL names of
# the registered content types (education/registry.py). Items registered `site_wide` (every page shows them, as the
# footer lists the pages about the service) change the whole site.
# Rows only the search results read (the synonyms).
LIST_ONLY_MODELS = {"synonym"}
# Rows no patient page shows (the sign-off history, the risky-claim rules): a change to one makes nothing stale.
UNSEEN_MODELS = {"workflowevent", "claimrule"}
NEXT_PUBLISH_KEY = "content:next-publish:{version}"
NO_SCHEDULED_ITEM = "none"
MISSING = object()
# Pages rebuild at least this often even if nothing changed: a safety net, not the invalidation mechanism.
PAGE_TIMEOUT = 24 * 60 * 60
# After a cache error, this process leaves the cache alone for a while instead of waiting on it at every request.
CACHE_RETRY_SECONDS = 5

_cache_down_until = 0.0
# Set when a model signal has bumped a version during the current request (see PageCacheMiddleware).
_bumped = contextvars.ContextVar("content_version_bumped", default=False)
# While set ({database alias: scopes}), the bumps asked for are collected and made once (see one_bump()).
_batch = contextvars.ContextVar("content_version_batch", default=None)


# --- the cache, failing soft ---


def cache_get(key, default=None):
    if time.monotonic() < _cache_down_until:
        return default
    try:
        return cache.get(key, default)
    except Exception:
        _cache_failed("read")
        return default


def cache_set(key, value, timeout):
    if time.monotonic() < _cache_down_until:
        return
    try:
        cache.set(key, value, timeout)
    except Exception:
        _cache_failed("write")


def _cache_failed(action):
    global _cache_down_until
    _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
    logger.warning(
        "Page cache %s failed; serving pages uncached for %s s", action, CACHE_RETRY_SECONDS, exc_info=True
    )


# --- content versions, in the database ---


def path_scope(path):
    return "path:" + hashlib.sha256(unquote(path).encode()).hexdigest()[:40]


def read_versions(scopes, using="default"):
    """The current version of each scope (0 for one never changed), in one indexed query."""
    unique = list(dict.fromkeys(scopes))
    sql = f"SELECT scope, version FROM {TABLE} WHERE scope IN ({', '.join(['%s'] * len(unique))})"
    found = dict(fetch_all(sql, unique, using))
    return [found.get(scope, None if scope in MOMENTS else 0) for scope in scopes]


def bump(scopes, using="default"):
    """Make every page keyed on these scopes stale, in the caller's transaction: exactly when its changes commit.

    Every change to content may also change when the next scheduled item goes live: that moment is stored beside
    the versions (in microseconds since the epoch, 0 for none), with the moment it was worked out, so requests read
    it in the same query.
    """
    # "lists" first in every statement: bumps lock the rows in one order, so two of them cannot deadlock.
    ordered = [LISTS, *sorted(set(scopes) - {LISTS, *MOMENTS})]
    moment = _scheduled_moment(using)
    checked = timezone.now()  # after the query: the moment holds from here on
    # A random new version rather than a count: a database restored from a backup, or a second database sharing
    # the same Redis (tests, staging), never meets pages cached under versions it will reach again.
    rows = [(scope, new_version()) for scope in ordered]
    rows += [(NEXT_PUBLISH, _microseconds(moment) if moment else 0), (NEXT_PUBLISH_CHECKED, _microseconds(checked))]
    _write_versions(rows, using)
    _bumped.set(True)


def new_scope_version(scope, using="default"):
    """Give one scope a new version, and nothing else: for versions no page keys on (the claim rules)."""
    _write_versions([(scope, new_version())], using)


def _write_versions(rows, using):
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (scope, version) VALUES {', '.join(['(%s, %s)'] * len(rows))} "
            "ON CONFLICT (scope) DO UPDATE SET version = excluded.version",
            [value for row in rows for value in row],
        )


@contextlib.contextmanager
def one_bump():
    """Collect the bumps the writes of a block ask for, and make them once as it ends (an admin save writes the row,
    its links and its history: one bump, not one per row). Use it inside the block's transaction."""
    if _batch.get() is not None:  # already collecting
        yield
        return
    pending = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for using, scopes in pending.items():  # not after an error: the transaction rolls back, nothing changed
        bump(scopes, using)


def _ask_bump(scopes, using):
    pending = _batch.get()
    if pending is None:
        bump(scopes, using)
    else:
        pending.setdefault(using, set()).update(scopes)


def new_version():
    return secrets.randbits(62)


def _microseconds(moment):
    return int(moment.timestamp() * 1_000_000)


def _from_microseconds(microseconds):
    return datetime.datetime.fromtimestamp(microseconds / 1_000_000, datetime.UTC)


def _scheduled_moment(using="default"):
    """The earliest future publish time among published items, or None.

    Worked out on every save. The ORM took about 9 ms to build this union of every content type's query, three times
    what SQLite spends answering it on the benchmark library: it is built once per process (page_data.prepared)."""
    from . import page_data, registry

    def build(now):
        querysets = [model.objects.boundaries(now) for model in registry.models()]
        return querysets[0].union(*querysets[1:]).order_by("moment")[:1]

    rows = page_data.prepared("scheduled-moment", build, using=using)
    return rows[0][0] if rows else None


def bump_content_version():
    """Make every cached page stale. Call it after any write that bypasses model signals (QuerySet.update)."""
    bump([SITE])


# --- what a request's page depends on ---


def is_item_page(language, path):
    from . import registry

    return _is_item_page(language, path, frozenset(entry.url_name for entry in registry.content_types()))


@functools.lru_cache(maxsize=4096)
def _is_item_page(language, path, item_pages):
    with translation.override(language):
        try:
            return resolve(path).view_name in item_pages
        except Resolver404:
            return False


def next_publish_at(lists_version, stored, checked):
    """The earliest future publish time, or None: as stored at the last change, or looked up once it has passed.

    What was stored holds only from the moment it was worked out on: a clock behind the writer's (another machine's,
    or a test's) looks it up itself.
    """
    now = timezone.now()
    if stored is not None and checked is not None and now >= _from_microseconds(checked):
        if stored == 0:
            return None
        if _from_microseconds(stored) > now:
            return _from_microseconds(stored)
    # It has passed (or was never stored): once per version of the lists, shared through the cache.
    key = NEXT_PUBLISH_KEY.format(version=lists_version)
    cached = cache_get(key)
    if cached == NO_SCHEDULED_ITEM:
        return None
    if cached is not None and cached > now:
        return cached
    moment = _scheduled_moment()
    cache_set(key, moment or NO_SCHEDULED_ITEM, PAGE_TIMEOUT)
    return moment


def content_state(request):
    """(page stamp, site stamp, next publish time) for this request: the versions are read once, before any content."""
    state = getattr(request, "_content_state", None)
    if state is None:
        language = translation.get_language_from_path(request.path_info)
        own = path_scope(request.path_info) if language and is_item_page(language, request.path_info) else LISTS
        site, lists, stored, checked, page = read_versions([SITE, LISTS, NEXT_PUBLISH, NEXT_PUBLISH_CHECKED, own])
        boundary = next_publish_at(lists, stored, checked)
        moment = boundary.timestamp() if boundary else "-"
        state = request._content_state = (f"{site}.{own}.{page}:{moment}", f"{site}:{moment}", boundary)
    return state


def site_version(request=None):
    """What every page shows (the footer, glossary terms) is keyed on this: the request's when already read."""
    state = getattr(request, "_content_state", None)
    if state is not None:
        return state[1]
    (version,) = read_versions([SITE])
    return str(version)


# What every page shows (the clinic, the footer's pages), this process's copy per name, language and site stamp.
# The stamp is read from the database with the request's other versions, so a change reaches every process at once;
# reading the copy back from the shared cache instead (unpickling a clinic and a list of pages) cost more than
# making it again. Only the newest few stamps are kept.
_kept = {}
KEPT_ENTRIES = 64


def per_content(request, name, compute):
    """compute() for something every page shows, made once per process until the site changes."""
    _page_stamp, site_stamp, _boundary = content_state(request)
    key = (name, translation.get_language(), site_stamp)
    found = _kept.get(key, MISSING)
    if found is MISSING:
        if len(_kept) >= KEPT_ENTRIES:
            _kept.clear()
        found = _kept[key] = compute()
    return found


def forget_kept():
    """Drop this process's copies (tests, whose rolled-back databases meet the same versions again)."""
    _kept.clear()


def _timeout_until(boundary):
    if boundary is None:
        return PAGE_TIMEOUT
    # Never outlive the next scheduled publish, even though the key changes then anyway.
    return max(1, min(PAGE_TIMEOUT, int((boundary - timezone.now()).total_seconds())))


def page_key(request):
    page_stamp, _site_stamp, _boundary = content_state(request)
    language = translation.get_language_from_path(request.path_info)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{page_stamp}:{language}:{path}"


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
    """Serve anonymous GET pages of the patient site from the cache, keyed by the content versions.

    Sits above the session middleware: a request without a session cookie is anonymous, so a hit skips sessions,
    authentication and the view. Middleware below this one has already added its headers to the stored response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or not is_cacheable_request(request):
            token = _bumped.set(False)
            try:
                response = self.get_response(request)
                self._bump_after_silent_staff_write(request)
            finally:
                _bumped.reset(token)
            return response

        key = page_key(request)
        stored = cache_get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response

        response = self.get_response(request)
        if is_cacheable_response(request, response):
            _page_stamp, _site_stamp, boundary = content_state(request)
            stored = (response.status_code, list(response.items()), response.content)
            cache_set(key, stored, _timeout_until(boundary))
        return response

    @staticmethod
    def _bump_after_silent_staff_write(request):
        # A staff write that changed no model through save() or delete() may have used QuerySet.update(), which
        # sends no signal: then anything may have changed. Writes that did send signals were bumped exactly.
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and user is not None
            and user.is_staff
            and not _bumped.get()
        ):
            bump_content_version()


# --- what a change makes stale ---


def _is_item(obj):
    from . import registry

    return registry.for_model(type(obj)) is not None


def _own_scopes(item):
    from . import registry

    entry = registry.for_model(type(item))
    scopes = {SITE} if entry is not None and entry.site_wide else set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code), contextlib.suppress(NoReverseMatch):  # no address, no page to forget
            scopes.add(path_scope(item.get_absolute_url()))
    return scopes


def _related_items(item):
    """Every patient item related to `item` either way, through any relation: what its page shows, or what shows it."""
    from . import registry

    for field in item._meta.get_fields():
        if not field.is_relation or field.related_model is None or registry.for_model(field.related_model) is None:
            continue
        reverse = isinstance(field, ForeignObjectRel)
        if not reverse and not field.many_to_many:
            related = getattr(item, field.name)
            if related is not None:
                yield related
        elif reverse and field.one_to_one:
            related = getattr(item, field.get_accessor_name(), None)
            if related is not None:
                yield related
        else:
            yield from _addresses_only(getattr(item, field.get_accessor_name() if reverse else field.name).all())


def _addresses_only(queryset):
    # Only what an address needs: a treatment may be linked from hundreds of articles, each with long texts.
    model = queryset.model
    return queryset.only(*[name for name in ("slug",) if any(f.name == name for f in model._meta.get_fields())])


def item_scopes(item):
    """The scopes a change to `item` makes stale, as its rows stand now."""
    scopes = {LISTS} | _own_scopes(item)
    if item.pk is not None:
        for related in _related_items(item):
            scopes |= _own_scopes(related)
    return scopes


def _stash(instance, scopes):
    instance._stale_page_scopes = getattr(instance, "_stale_page_scopes", set()) | scopes


# The apps whose rows pages show: the content, the pictures (images/, which knows nothing of pages), and the search
# synonyms (search/, whose results pages they change; its index follows the content and bumps nothing itself).
WATCHED_APPS = {"education", "images", "search"}


def content_changed(sender, instance, signal, using="default", raw=False, action=None, model=None, pk_set=None,
                    **kwargs):
    """Receiver for pre/post save, pre/post delete and m2m_changed on the education models (connect_signals()).

    A signal is the right hook here (the house style otherwise avoids them): invalidation must follow every write
    path, the admin, management commands and the shell alike, and it changes no data, it only forgets pages.
    Before a change it notes what the rows showed (old addresses, old relations); after it, it bumps those and what
    the rows show now, in the same transaction.
    """
    if getattr(instance, "_meta", None) is None or instance._meta.app_label not in WATCHED_APPS:
        return
    if instance._meta.model_name in UNSEEN_MODELS or type(instance).__module__ == "__fake__":
        return  # history rows, or a migration's historical model (its tables may not match today's models)
    moment = _before_or_after(signal, action)
    if moment is None:
        return
    if raw:  # fixtures: related rows may not exist yet, so no relation can be followed
        if moment == "after":
            _ask_bump({SITE}, using)
        return
    item = _is_item(instance)
    if moment == "before":
        if item and action is None and instance.pk is not None:
            old = type(instance)._base_manager.using(using).filter(pk=instance.pk).first()
            if old is not None:
                _stash(instance, item_scopes(old))
        elif item and action is not None:  # pre_clear: the relations about to go
            _stash(instance, item_scopes(instance))
        return

    scopes = getattr(instance, "_stale_page_scopes", set())
    instance._stale_page_scopes = set()
    if action is not None:
        scopes |= _relation_scopes(instance, model, pk_set, using)
    elif not item:
        scopes.add(LISTS if instance._meta.model_name in LIST_ONLY_MODELS else SITE)
    elif signal is signals.post_save:
        scopes |= item_scopes(instance)
    else:  # post_delete: its relations are gone already; pre_delete noted them
        scopes |= {LISTS} | _own_scopes(instance)
    _ask_bump(scopes, using)


def connect_signals(models):
    """Connect content_changed to `models` (the education app's, links included, and images.Image), except rows no
    page shows."""
    for model in models:
        if model._meta.model_name in UNSEEN_MODELS:
            continue
        for signal in (signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete,
                       signals.m2m_changed):
            signal.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{model._meta.label_lower}")


def _relation_scopes(instance, model, pk_set, using):
    """A relation added or removed: the pages at both ends, or the whole site when neither end is a patient item."""
    from . import registry

    scopes = {LISTS}
    if _is_item(instance):
        scopes |= _own_scopes(instance)
    if registry.for_model(model) is not None:
        for related in _addresses_only(model._base_manager.using(using).filter(pk__in=pk_set or ())):
            scopes |= _own_scopes(related)
    elif not _is_item(instance):
        scopes.add(SITE)
    return scopes


def _before_or_after(signal, action):
    """"before" or "after" the change the signal is about; None for the m2m signals nothing needs."""
    if action is not None:
        if action == "pre_clear":
            return "before"
        return "after" if action.startswith("post_") else None
    return "before" if signal in (signals.pre_save, signals.pre_delete) else "after"
