"""The kinds of content patients read, each declared once.

Roles, the review-due list and command, search, sitemaps, the page cache, feedback, demo loading and the backup all
read `content_types()` instead of keeping their own list, so a new kind is one entry here (README: "Adding a content
type"). tests/test_registry.py fails when a Publishable model has no entry, or its translation options lack a field
the workflow needs.
"""
import contextlib
import functools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from search import registry as search_registry

from .models import FAQ, Article, Pack, PackItem, Page, ProcedureNote, TimelineEntry
from .text import plain_text

# Per-language fields every reviewed type must translate: the workflow stamps and the approval of each language.
WORKFLOW_TRANSLATIONS = ("text_changed", "text_version", "made_from", "reviewed_by", "last_reviewed", "approval")


@dataclass(frozen=True)
class SearchFields:
    """What the site search indexes of one type: its text in three weights (title A, summary B, body C).

    Handed to the search app as a registration (`search_kind`), which is all search knows of the type.
    """

    kind: str  # stored in SearchDocument.kind; never rename it without rebuilding the index
    label: str  # what a result says the page is
    title: str
    summary: tuple = ()
    body: tuple = ()
    markdown: frozenset = frozenset()  # the body fields written in Markdown (read as plain text)
    prior: float = 0.0  # among pages that match equally well, the higher comes first


@dataclass(frozen=True)
class SitemapEntry:
    section: str  # /sitemap.xml?section=...
    priority: float | None = None
    changefreq: str | None = None


@dataclass(frozen=True)
class ContentType:
    model: type
    url_name: str  # the page of one item (namespaced URL name)
    url_kwargs: tuple = ("slug",)  # the item's attributes that fill url_name's arguments (in the active language)
    list_url_name: str | None = None  # the page listing them, if any
    search: SearchFields | None = None
    sitemap: SitemapEntry | None = None
    reviewed: bool = True  # signed off by a clinician: a publish permission, and listed when its review is due
    site_wide: bool = False  # every page shows these (the footer links the pages about the service)
    parts: tuple = ()  # models edited only inside an item of this type (its inlines): editors add and remove them

    @property
    def model_name(self):
        return self.model._meta.model_name


_TYPES = [
    ContentType(
        Article,
        "education:article",
        list_url_name="education:articles",
        search=SearchFields(
            "article", _("Article"), "title", ("summary",), ("body",), frozenset({"body"}), prior=1.0
        ),
        sitemap=SitemapEntry("articles"),
    ),
    # The model is a "procedure note" for staff and its URL name "procedure"; patients read "Treatment".
    ContentType(
        ProcedureNote,
        "education:procedure",
        list_url_name="education:procedures",
        search=SearchFields(
            "procedure",
            _("Treatment"),
            "title",
            ("summary",),
            (*ProcedureNote.KEY_FACTS, *ProcedureNote.SECTIONS),
            frozenset(ProcedureNote.SECTIONS),
            prior=2.0,
        ),
        sitemap=SitemapEntry("procedures"),
    ),
    ContentType(
        FAQ,
        "education:faq_detail",
        url_kwargs=("pk",),
        list_url_name="education:faq",
        search=SearchFields("faq", _("Question and answer"), "question", (), ("answer",), frozenset({"answer"})),
    ),
    ContentType(Page, "education:page", sitemap=SitemapEntry("about"), site_wide=True),
    # Instruction packs: a named set of the items above with a timeline; not searched (their items are).
    ContentType(Pack, "education:pack", sitemap=SitemapEntry("packs"), parts=(PackItem, TimelineEntry)),
]


def content_types():
    """Every registered type, in the order lists and the sitemap show them."""
    return list(_TYPES)


def models():
    return [entry.model for entry in _TYPES]


def reviewed_models():
    return [entry.model for entry in _TYPES if entry.reviewed]


def for_model(model):
    """The entry of `model` (or of the model an instance belongs to), or None."""
    model = getattr(model, "_meta", None) and model._meta.concrete_model
    return next((entry for entry in _TYPES if entry.model is model), None)


def missing_translations(entry):
    """Fields `entry`'s model must translate but its TranslationOptions leave out (empty when all is well)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        translated = set(translator.get_options_for_model(entry.model).fields)
    except NotRegistered:
        translated = set()
    needed = (*entry.model.required_translations, *(WORKFLOW_TRANSLATIONS if entry.reviewed else ()))
    return [name for name in needed if name not in translated]


def searched():
    return [entry for entry in _TYPES if entry.search]


def _read(markdown, item, name):
    value = getattr(item, name) or ""
    return plain_text(value) if name in markdown else value


def _window(item):
    return item.visible_from, item.visible_until


def _visible(queryset):
    return queryset.published()


def _shown(model, fields, ids):
    from . import page_data

    return page_data.search_hits(model, fields, ids)


def search_kind(entry):
    """`entry` as the search app registers it: its fields, its URL, and the published rule as search reads it
    (each item's window to store, and `published()` for the items a page of results shows)."""
    fields = entry.search
    return search_registry.Kind(
        fields.kind, entry.model, fields.label, entry.url_name, entry.url_kwargs, fields.title, fields.summary,
        fields.body, prior=fields.prior, read=functools.partial(_read, fields.markdown), window=_window,
        visible=_visible, shown=functools.partial(_shown, entry.model, (fields.title, *entry.url_kwargs)),
        address=entry.model.get_absolute_url,  # education/addresses.py keeps the routes
    )


def register_search():
    """Hand every searched type to the search app (called from the app's ready())."""
    for entry in searched():
        search_registry.register(search_kind(entry))


@contextlib.contextmanager
def registered(entry, replacing=None):
    """Register `entry` for the duration of a block (tests): in place of `replacing`'s entry when given."""
    saved = list(_TYPES)
    if replacing is not None:
        _TYPES[:] = [other for other in _TYPES if other.model is not replacing]
    _TYPES.append(entry)
    with contextlib.ExitStack() as stack:
        if entry.search:
            stack.enter_context(search_registry.registered(search_kind(entry), replacing=replacing))
        elif replacing is not None:
            stack.enter_context(search_registry.registered(None, replacing=replacing))
        try:
            yield entry
        finally:
            _TYPES[:] = saved
