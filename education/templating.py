"""What the patient pages' Jinja2 templates call besides Django's own helpers (clinic/jinja2.py installs them)."""
import datetime
import functools
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# The characters that could end a <script> element or start markup, escaped inside JSON strings. Replaced one by
# one: str.translate() with a table took about a millisecond over a treatment's JSON-LD, three replace() calls 2%.
JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def html(item, field):
    """An item's Markdown field as the sanitised HTML stored at save: `{{ faq|html("answer") }}`."""
    # Safe to mark: Publishable.html returns render_markdown's sanitised output.
    return mark_safe(item.html(field))


def field_lang(obj, field):
    """` lang="en"` when the active language has no text of its own for this field and shows the fallback."""
    language = translation.get_language()
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if language == default or getattr(obj, f"{field}_{language}", None):
        return ""
    return format_html(' lang="{}"', default)


def jsonld(data):
    """A schema.org JSON-LD block; the escapes keep editor text from closing the script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escaped in JSON_ESCAPES:
        payload = payload.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def long_date(value):
    """A date written out for patients: "Jan. 10, 2026", "10 gennaio 2026", "1° novembre 2026"."""
    if not value:
        return ""
    if type(value) is not datetime.date:  # a datetime: which day it is depends on its zone, so it is not kept
        return _long_date.__wrapped__(value, translation.get_language())
    return _long_date(value, translation.get_language())


# A list of questions writes about thirty review dates, a few different ones: each is written once per language
# (Django's date formatting cost a tenth of the page), and forgotten when settings change, as Django's formats are.
@functools.lru_cache(maxsize=4096)
def _long_date(value, language):
    if value.day == 1 and (first := first_day_format(language)):
        return date_format(value, first)
    return date_format(value, "DATE_FORMAT")


@receiver(setting_changed)
def _forget_dates(**kwargs):
    _long_date.cache_clear()


def first_day_format(language):
    """FIRST_DAY_DATE_FORMAT from the language's format module (clinic/formats/<code>), for a language that writes the
    first of a month its own way (Italian: "1° novembre"); None for the others."""
    for module in formats.get_format_modules(language):
        if hasattr(module, "FIRST_DAY_DATE_FORMAT"):
            return module.FIRST_DAY_DATE_FORMAT
    return None


def excerpt(text, words=30):
    """A card's summary in at most `words` words: whole sentences when the first ones fit, otherwise cut after a
    whole word with "…"; never in the middle of a word."""
    parts = str(text or "").split()
    if len(parts) <= words:
        return " ".join(parts)
    ends = [i for i, word in enumerate(parts[:words]) if word.rstrip("\"'”’»)").endswith((".", "!", "?", "…"))]
    if ends:
        return " ".join(parts[: ends[-1] + 1])
    return " ".join(parts[:words]).rstrip(",;:–—-") + "…"


def leaflet(request, item):
    """The printed leaflet's code, version, review dates and QR code of its short link (print only), or None."""
    from .leaflets import print_details

    return print_details(request, item)
