"""What the search app knows of the content it indexes: only what content apps hand it here.

The search app never imports a content app. Each content app registers its searchable models when Django starts
(in its AppConfig.ready(), as Wagtail models declare `search_fields`): which fields hold the title, summary and body,
how to read a field as plain text, how to read an item's visibility window, the items patients may see now, and
which URL name shows an item. The rule of what a patient may see stays with the content: search stores each item's
window beside its text and filters on those columns, then reads the items it shows through the registered `visible`.

One more registration, `configure()`, says where the results page is and how the search's own changes reach the
content app's page cache (the synonyms a search reads, the index a rebuild replaces).
"""
import contextlib
from collections.abc import Callable
from dataclasses import dataclass


def _read_field(item, name):
    return getattr(item, name) or ""


def _all(queryset):
    return queryset


@dataclass(frozen=True)
class Kind:
    """A kind of content the search returns."""

    name: str  # stored in SearchDocument.kind: renaming it needs `rebuild_search_index`
    model: type
    label: str  # what a result says the page is
    url_name: str  # the page of one item (namespaced URL name), reversed with `url_kwargs` read from the item
    url_kwargs: tuple  # attributes of the item that fill the URL's arguments, read in the result's language
    title: str
    summary: tuple = ()
    body: tuple = ()
    prior: float = 0.0  # among pages that match equally well, the higher comes first
    # (item, field name) -> the field's text as patients read it, without markup.
    read: Callable = _read_field
    # item -> (visible_from, visible_until): when patients start and stop seeing it (None: not yet / never stops).
    window: Callable = lambda item: (None, None)  # noqa: E731 - a default that hides the item
    # queryset of the model -> the part of it patients may see now (the content's own rule, which has the last word).
    visible: Callable = _all
    # ids -> the items with these ids patients may see now, with at least their title and URL arguments: the
    # content's own cheaper read of a page of hits, through the same rule (None: read through `visible`).
    shown: Callable | None = None
    # item -> its address in the active language, when the content app keeps addresses cheaper than reverse() (ten
    # a page of results); it must equal url_name reversed with url_kwargs, which is used when this is None.
    address: Callable | None = None

    def texts(self, item):
        """(title, summary, body) of `item` in the active language, as plain text."""
        summary = " ".join(part for part in (self.read(item, name) for name in self.summary) if part)
        body = " ".join(part for part in (self.read(item, name) for name in self.body) if part)
        return self.read(item, self.title), summary, body

    def url(self, item):
        if self.address is not None:
            return self.address(item)
        from django.urls import reverse

        return reverse(self.url_name, kwargs={name: getattr(item, name) for name in self.url_kwargs})


@dataclass
class Settings:
    results_url_name: str = ""  # the search results page (namespaced URL name), for suggestions and other languages
    # () -> a token that changes whenever the synonyms change, in every process (a shared version).
    lists_version: Callable = object  # unconfigured, every call differs: the synonyms are read at every search
    # () -> None: the search's results changed (synonyms bulk-loaded, the index rebuilt).
    lists_changed: Callable = lambda: None  # noqa: E731


_KINDS = {}
SETTINGS = Settings()


def register(kind):
    """Index `kind`'s model: its items are written to the index on save and removed on delete from now on."""
    from .engine import connect_signals

    _KINDS[kind.name] = kind
    connect_signals(kind)
    return kind


def configure(**settings):
    for name, value in settings.items():
        if not hasattr(SETTINGS, name):
            raise TypeError(f"search.registry.configure() got an unknown setting {name!r}")
        setattr(SETTINGS, name, value)


def kinds():
    """{kind name: Kind} of every registered kind, in the order they were registered."""
    return dict(_KINDS)


def for_model(model):
    """The Kind of `model` (or of the model an instance belongs to), or None."""
    concrete = model._meta.concrete_model
    return next((kind for kind in _KINDS.values() if kind.model is concrete), None)


@contextlib.contextmanager
def registered(kind, replacing=None):
    """Register `kind` for the duration of a block (tests): in place of `replacing`'s kind (a model) when given.

    `kind` None only unregisters `replacing`."""
    saved = dict(_KINDS)
    if replacing is not None:
        for name in [name for name, other in _KINDS.items() if other.model is replacing]:
            del _KINDS[name]
    if kind is not None:
        register(kind)
    try:
        yield kind
    finally:
        _KINDS.clear()
        _KINDS.update(saved)
