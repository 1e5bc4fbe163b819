"""Clean the text editors type, and turn their Markdown into HTML that is safe to show patients."""
import functools
import hashlib
import html
import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line ends in every spelling (Windows, old Mac, a word processor's line and page breaks, NEL) become "\n".
_LINE_END = re.compile(r"\r\n?|[\x0b\x0c\x85]")
# What is left to drop: C0 and C1 controls other than tab and newline, DEL, lone surrogates and the two
# non-characters XML cannot hold. NUL is not here: it is refused, never silently dropped.
_NOT_TEXT = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ODD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NUL_MESSAGE = _("Text may not contain the NUL character (\\0): remove it and save again.")


def clean_text(value, *, refuse_nul=True, strip=True):
    """The one rule for stored text: line ends normalised to "\\n", control characters other than tab and newline
    removed, NUL refused (or, with refuse_nul=False, left for a form's own validator to refuse), and surrounding
    white space dropped as every form drops it (so a backup, whose XML loses it, restores the same text; with
    strip=False it is left to the form field, which knows whether to drop it). Anything but a string passes."""
    if not isinstance(value, str):
        return value
    if _ODD.search(value):
        if "\x00" in value and refuse_nul:
            raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")
        value = _NOT_TEXT.sub("", _LINE_END.sub("\n", value))
    return value.strip() if strip else value


def text_fields(model):
    """The model's own columns that hold free text (every language of a translated one)."""
    from django.db import models

    return [
        field for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices
    ]


def clean_text_fields(instance):
    """Apply clean_text to every text field of `instance`; a NUL names the field it was found in."""
    for field in text_fields(type(instance)):
        value = getattr(instance, field.attname)
        try:
            cleaned = clean_text(value)
        except ValidationError as error:
            raise ValidationError({field.name: error}) from None
        if cleaned != value:
            setattr(instance, field.attname, cleaned)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped together with everything inside them, so no script, style sheet or foreign markup shows up as text either.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "iframe", "object", "embed", "frame", "frameset", "noembed",
    "noframes", "xmp", "plaintext", "textarea", "select", "title", "svg", "math",
}

_ODD_URL_CHARACTER = re.compile(r"[\x00-\x20\x7f\\\ufffd]")


def _drop_odd_links(tag, attribute, value):
    """An address with spaces, control characters or backslashes is one browsers would rewrite: drop it."""
    if attribute == "href" and _ODD_URL_CHARACTER.search(value):
        return None
    return value


# Keyed by the text itself, so a memo can never be stale and needs no invalidation. Rendering a 6 KB body costs
# milliseconds, the largest part of an uncached page; 2,048 entries hold a default library's FAQ pages twice over.
@functools.lru_cache(maxsize=2048)
def render_markdown(text):
    """Markdown to HTML, then an allow-list sanitizer: whatever the editor typed, no script survives."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_drop_odd_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# The text of a Markdown field as patients read it, without markup: what search indexes and JSON-LD carries.
HEADING_END = " — "  # what separates a heading from the text under it
BLOCK_END = re.compile(r"</(h[1-6]|p|li|td|th|blockquote|pre)>")
# A tag in HTML as nh3 writes it: it escapes ">" in text and attribute values alike, so a tag ends at its first ">".
# Django's strip_tags() (an HTML parser) gave the same text for every stored text of the benchmark library and the
# hostile corpus, twelve to twenty times slower, and a treatment page takes three texts apart for its JSON-LD.
TAG = re.compile(r"<[^>]*>")
SENTENCE_END = re.compile(r"[.!?:;…]\s*$")


def plain_text(markdown_text, stored=None):
    """The words a patient reads in a Markdown field, without markup, a heading kept apart from its text; from the
    item's HTML made at save (`stored`, its `rendered`) when given, so a page renders no Markdown."""
    return html_text(stored_html(stored, markdown_text))


# Keyed by the HTML itself, so never stale: a page of questions puts the text of its 30 answers in its JSON-LD on
# every request (2 ms of parsing), and the same answers come back on every visit.
@functools.lru_cache(maxsize=2048)
def html_text(rendered):
    """The words of sanitised HTML (render_markdown's), as plain_text describes them."""
    pieces, position = [], 0
    for end in BLOCK_END.finditer(rendered):
        block = html.unescape(TAG.sub("", rendered[position : end.start()].replace("<", " <"))).strip()
        position = end.end()
        if not block:
            continue
        if end.group(1).startswith("h"):
            block = block.rstrip(".:") + HEADING_END.rstrip()
        elif not SENTENCE_END.search(block):
            block += "."  # list items and table cells read as separate phrases, not one run-on sentence
        pieces.append(block)
    # render_markdown escapes every literal "<", so each one left opens a tag; the space keeps words apart.
    pieces.append(html.unescape(TAG.sub("", rendered[position:].replace("<", " <"))).strip())
    return " ".join(piece for piece in pieces if piece)
def text_digest(text):
    """A short fingerprint of a text: what its stored HTML is filed under (see Publishable.rendered)."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def stored_html(rendered, text):
    """The sanitised HTML of Markdown `text`: from `rendered` (made at save) when it holds this very text, otherwise
    rendered now. Filed by the text's digest, the HTML can never belong to another text, whichever way it changed."""
    if not text:
        return ""
    return (rendered or {}).get(text_digest(text)) or render_markdown(text)


def rendered_markdown(item, fields):
    """{digest: sanitised HTML} of each Markdown field of `item` in every language: what Publishable.rendered
    stores. Also run by a migration on historical rows, so it reads only the per-language columns."""
    from django.conf import settings
    from modeltranslation.utils import build_localized_fieldname

    rendered = {}
    for field in fields:
        for code, _name in settings.LANGUAGES:
            # Cleaned as the save's own pre_save step will store it (a NUL is refused there, not here).
            text = clean_text(getattr(item, build_localized_fieldname(field, code), None), refuse_nul=False)
            if text:
                rendered[text_digest(text)] = render_markdown(text)
    return rendered
