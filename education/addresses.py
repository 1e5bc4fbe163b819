"""Patient-page addresses, each route worked out once per language: a list page links two dozen items, and
reversing each one cost about as much as rendering its card.

`address(name)` is reverse(name) for a route without arguments; `slug_address(name, slug)` is
reverse(name, kwargs={"slug": slug}), the route reversed once with a stand-in slug and the item's slug put in its
place; `pk_address(name, pk)` the same for a route by id (a question's page: ten of them on a page of search
results). `translated_path(path, language)` is translate_url(path, language), the page's own path in another
language, which resolves and reverses it (about a tenth of a millisecond, once per language on every list page).
All are kept per language, URL prefix and URLconf, and forgotten when a setting they come from changes.
"""
import functools
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import translation

# What Django's <slug:> converter accepts: such a slug comes out of reverse() as it went in (nothing to quote).
SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
STAND_IN = "__slug__"
PK_STAND_IN = 987654321


def address(name):
    return _reversed(name, None, None, translation.get_language(), get_script_prefix(), get_urlconf())


def slug_address(name, slug):
    if not isinstance(slug, str) or not SLUG.match(slug):
        return reverse(name, kwargs={"slug": slug})  # an odd slug: reverse() decides, and refuses it as before
    before, after = _reversed(name, "slug", STAND_IN, translation.get_language(), get_script_prefix(), get_urlconf())
    return f"{before}{slug}{after}"


def pk_address(name, pk):
    if type(pk) is not int or pk < 0:
        return reverse(name, kwargs={"pk": pk})  # reverse() decides, as before
    before, after = _reversed(name, "pk", PK_STAND_IN, translation.get_language(), get_script_prefix(), get_urlconf())
    return f"{before}{pk}{after}"


def translated_path(path, language):
    return _translated(path, language, translation.get_language(), get_script_prefix(), get_urlconf())


@functools.cache
def _reversed(name, argument, stand_in, _language, _prefix, _urlconf):
    if argument is None:
        return reverse(name)
    before, found, after = reverse(name, kwargs={argument: stand_in}).partition(str(stand_in))
    if not found or str(stand_in) in after:
        raise ValueError(f"The address of {name} does not hold its {argument} once.")
    return before, after


# Bounded: a short-link page's path holds its code, so the paths asked for are not a fixed few.
@functools.lru_cache(maxsize=2048)
def _translated(path, language, _active_language, _prefix, _urlconf):
    return translate_url(path, language)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()
        _translated.cache_clear()
