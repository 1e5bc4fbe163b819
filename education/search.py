"""Site search: published articles, procedure notes and FAQs, in the language the patient is reading.

One interface, `search(query, language, page)`, over two engines chosen by the database in use:

- PostgreSQL: a weighted tsvector per document (title A, summary B, body C) in `education_search_pg`, with a GIN
  index, built with the `clinic_english`/`clinic_italian` text search configurations (unaccent, then the Snowball
  stemmer); ranked with ts_rank over a smaller vector (see PostgreSQLEngine), snippets from ts_headline.
- SQLite: an FTS5 table, `education_search_fts`. FTS5 only stems English (porter), so this module stems both the
  indexed text and the query itself with the same Snowball stemmers, after stripping accents; ranked with bm25,
  snippets from a small highlighter over the original text.

`SearchDocument` rows hold each item's plain text per language; both engine tables are keyed by its id (the
migration `0002_search` creates them). The index holds every item whatever its status, with the moment it becomes
visible to patients (`Publishable.visible_from`, copied on every save): a search keeps the rows visible now, so a
scheduled item appears at its time without a re-index, and reads the items of the page it shows through
`published()`, which has the last word.

The index follows content through `post_save`/`post_delete` receivers (`connect_signals`, called from the app's
`ready()`), not through the models' `save()`: deletes made by querysets, the admin's bulk delete and cascades call no
model method, but do send `post_delete`. `QuerySet.update()` of text sends nothing: run `rebuild_search_index`
after one.
"""
import bisect
import functools
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import snowballstemmer
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import FAQ, Article, ProcedureNote, SearchDocument
from .text import render_markdown

MAX_QUERY_LENGTH = 200  # characters of the query that are read; the rest is ignored
MAX_TERMS = 10
MAX_TERM_LENGTH = 40
PER_PAGE = 10
SNIPPET_WORDS = 30
# Engines mark matched words with these; the stored text never holds control characters, so they cannot clash.
MARK_START, MARK_END = "\x02", "\x03"

WORD = re.compile(r"[^\W_]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
STEMMER_LANGUAGES = {"en": "english", "it": "italian"}
POSTGRESQL_CONFIGS = {"en": "clinic_english", "it": "clinic_italian"}


@dataclass(frozen=True)
class Kind:
    """A type of content the search returns, and how to read its text."""

    name: str
    model: type[models.Model]
    label: str
    title_field: str
    texts: Callable  # item -> (title, summary, body), read in the active language


def plain_text(markdown_text):
    """The words a patient reads in a Markdown field, without markup."""
    rendered = render_markdown(markdown_text or "")
    # render_markdown escapes every literal "<", so each one left opens a tag; the space keeps words apart.
    return html.unescape(strip_tags(rendered.replace("<", " <")))


def _article_texts(article):
    return article.title, article.summary, plain_text(article.body)


def _procedure_texts(procedure):
    facts = [getattr(procedure, name) or "" for name in ProcedureNote.KEY_FACTS]
    sections = [plain_text(getattr(procedure, name)) for name in ProcedureNote.SECTIONS]
    return procedure.title, procedure.summary, " ".join(facts + sections)


def _faq_texts(faq):
    return faq.question, "", plain_text(faq.answer)


KINDS = {
    kind.name: kind
    for kind in (
        Kind("article", Article, _("Article"), "title", _article_texts),
        Kind("procedure", ProcedureNote, _("Treatment"), "title", _procedure_texts),
        Kind("faq", FAQ, _("Question and answer"), "question", _faq_texts),
    )
}
KIND_BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def languages():
    return [code for code, _name in settings.LANGUAGES]


def clean_text(text):
    """One line of text: no control characters (so no NUL), single spaces."""
    return " ".join(CONTROL.sub(" ", text or "").split())


# --- Queries ---------------------------------------------------------------------------------------------------


def clean_query(raw):
    """The query as it will be searched and shown back: at most MAX_QUERY_LENGTH characters, one line.

    Returns (query, shortened).
    """
    raw = raw or ""
    shortened = len(raw) > MAX_QUERY_LENGTH
    return clean_text(unicodedata.normalize("NFKC", raw[:MAX_QUERY_LENGTH])), shortened


def query_words(query):
    """The plain words of a query: letters and digits only, so no quote, operator or wildcard reaches an engine."""
    words = []
    for word in WORD.findall(query.casefold()):
        # One-letter words (the "l" of "l'acne") would make every word required and match nothing useful.
        if len(word) > 1 and word[:MAX_TERM_LENGTH] not in words:
            words.append(word[:MAX_TERM_LENGTH])
    return words[:MAX_TERMS]


def strip_accents(word):
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=50_000)
def stem(word, language):
    """The Snowball stem of one word, accents removed first so that "perche" and "perché" agree.

    Cached: a site's vocabulary is small and the pure-Python stemmer is slow. A stemmer object is not thread-safe,
    so each miss makes its own (it costs well under a microsecond).
    """
    stemmer = snowballstemmer.stemmer(STEMMER_LANGUAGES.get(language, "english"))
    return stemmer.stemWord(strip_accents(word.casefold()))


def stems(words, language):
    return [stem(word, language) for word in words]


def render_snippet(marked):
    """HTML for a snippet whose matches are between MARK_START and MARK_END: the text escaped, only our <mark>s."""
    escaped = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - everything but our own tags has just been escaped


def highlight(text, query_stems, language, size=SNIPPET_WORDS):
    """About `size` words of `text` around the most matched words, with the matches marked (SQLite's snippets)."""
    words = WORD.findall(text)
    if not words:
        return ""
    # Stem each distinct word once; texts repeat their words a lot.
    matching = {word for word in set(words) if stem(word, language) in query_stems}
    matched = [i for i, word in enumerate(words) if word in matching]

    def distinct_matches(first):
        window = matched[bisect.bisect_left(matched, first) : bisect.bisect_left(matched, first + size)]
        return len({stem(words[i], language) for i in window})

    # The window that shows the most different query words, starting a few words before a match.
    first = max((max(0, i - 3) for i in matched), key=distinct_matches, default=0)
    last = min(len(words), first + size)
    tokens = itertools.islice(WORD.finditer(text), first, last)
    pieces, position = [], None
    for token in tokens:
        if position is not None:
            pieces.append(text[position : token.start()])
        word = token.group()
        pieces.append(f"{MARK_START}{word}{MARK_END}" if word in matching else word)
        position = token.end()
    if last == len(words):
        pieces.append(text[position:])
    snippet = "".join(pieces).strip()
    return ("… " if first else "") + snippet + (" …" if last < len(words) else "")


def _visible_now(alias):
    """SQL (and params) true for the rows of `alias` that patients may see now (see SearchDocument)."""
    return f"{alias}.visible_from <= %s", [connection.ops.adapt_datetimefield_value(timezone.now())]


# --- Engines -------------------------------------------------------------------------------------------------------


class Engine:
    """What both engines share: each gives TABLE and _where() (the FROM and WHERE of its matches)."""

    TABLE = None

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE}")

    def count(self, words, language, match_all):
        where, params = self._where(words, language, match_all)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {where}", params)
            return cursor.fetchone()[0]


class SQLiteEngine(Engine):
    """FTS5 over words stemmed here; bm25 with the title weighing most."""

    TABLE = "education_search_fts"
    # bm25 weights for the title, summary and body columns.
    WEIGHTS = (10.0, 4.0, 1.0)

    @staticmethod
    def _indexed(text, language):
        return " ".join(stems(WORD.findall(text), language))

    def store(self, documents):
        rows = [
            (
                doc.pk,
                self._indexed(doc.title, doc.language),
                self._indexed(doc.summary, doc.language),
                self._indexed(doc.body, doc.language),
            )
            for doc in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(row[0],) for row in rows])
            cursor.executemany(f"INSERT INTO {self.TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)", rows)

    def remove(self, document_ids):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(pk,) for pk in document_ids])

    def _match(self, words, language, match_all):
        # Each stem becomes a quoted FTS5 string: no word can act as an operator (AND, OR, NOT, NEAR, *, ^, :).
        unique = dict.fromkeys(word_stem for word_stem in stems(words, language) if word_stem)
        quoted = ['"{}"'.format(word_stem.replace('"', '""')) for word_stem in unique]
        return (" AND " if match_all else " OR ").join(quoted) or '""'

    def _where(self, words, language, match_all):
        visible, params = _visible_now("d")
        # The index (migration 0004) holds id, language and visible_from: the long texts are never read here.
        sql = (
            f"FROM {self.TABLE} JOIN education_searchdocument d INDEXED BY search_document_visible "
            f"ON d.id = {self.TABLE}.rowid "
            f"WHERE {self.TABLE} MATCH %s AND d.language = %s AND {visible}"
        )
        return sql, [self._match(words, language, match_all), language, *params]

    def page(self, words, language, match_all, offset, limit):
        """(number of matches, [(kind, object_id, marked snippet)] for one page, best first).

        The number is None when the page is past the end: no row is left to carry it.
        """
        where, params = self._where(words, language, match_all)
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        # Rank ids alone, then read the text of just this page's documents. FTS5 refuses bm25() beside a window
        # function, hence the materialized step between them.
        sql = (
            f"WITH matches AS MATERIALIZED (SELECT d.id AS id, bm25({self.TABLE}, {weights}) AS score {where}) "
            "SELECT d.kind, d.object_id, d.summary, d.body, ranked.total FROM ("
            "SELECT id, score, COUNT(*) OVER () AS total FROM matches ORDER BY score, id LIMIT %s OFFSET %s"
            ") AS ranked JOIN education_searchdocument d ON d.id = ranked.id ORDER BY ranked.score, ranked.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            rows = cursor.fetchall()
        query_stems = set(stems(words, language))
        hits = [
            (kind, object_id, highlight(f"{summary} {body}".strip(), query_stems, language))
            for kind, object_id, summary, body, _total in rows
        ]
        return (rows[0][-1] if rows else None), hits


class PostgreSQLEngine(Engine):
    """A GIN-indexed tsvector finds the matches; a small one ranks them; ts_headline marks the snippet.

    Ranking reads the title, the summary and the opening of the body (RANKED_BODY characters) rather than the whole
    text: whole-text vectors are stored out of line (TOAST), and reading thousands of them for a common word is what
    makes full-text search slow. Matching still covers the whole text.
    """

    TABLE = "education_search_pg"
    RANKED_BODY = 300  # characters: about the first paragraph
    HEADLINE_OPTIONS = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )

    @staticmethod
    def _config(language):
        return POSTGRESQL_CONFIGS.get(language, POSTGRESQL_CONFIGS[settings.MODELTRANSLATION_DEFAULT_LANGUAGE])

    def store(self, documents):
        by_language = {}
        for doc in documents:
            by_language.setdefault(doc.language, []).append(doc.pk)
        with connection.cursor() as cursor:
            for language, ids in by_language.items():
                config = self._config(language)
                cursor.execute(
                    f"INSERT INTO {self.TABLE} (document_id, language, kind, object_id, visible_from, vector, rank_vector) "
                    "SELECT id, language, kind, object_id, visible_from, "
                    "head || setweight(to_tsvector(%s::regconfig, body), 'C'), "
                    "head || setweight(to_tsvector(%s::regconfig, left(body, %s)), 'C') FROM ("
                    "SELECT *, setweight(to_tsvector(%s::regconfig, title), 'A') "
                    "|| setweight(to_tsvector(%s::regconfig, summary), 'B') AS head "
                    "FROM education_searchdocument WHERE id = ANY(%s)) AS documents "
                    "ON CONFLICT (document_id) DO UPDATE SET language = EXCLUDED.language, kind = EXCLUDED.kind, "
                    "object_id = EXCLUDED.object_id, visible_from = EXCLUDED.visible_from, vector = EXCLUDED.vector, "
                    "rank_vector = EXCLUDED.rank_vector",
                    [config, config, self.RANKED_BODY, config, config, ids],
                )

    def remove(self, document_ids):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE} WHERE document_id = ANY(%s)", [list(document_ids)])

    def _tsquery(self, words, language, match_all):
        # One plainto_tsquery per word: the words arrive as parameters, never as tsquery syntax.
        config = self._config(language)
        sql = (" && " if match_all else " || ").join(["plainto_tsquery(%s::regconfig, %s)"] * len(words))
        return f"({sql})", [value for word in words for value in (config, word)]

    def _where(self, words, language, match_all):
        tsquery, query_params = self._tsquery(words, language, match_all)
        visible, params = _visible_now("s")
        sql = (
            f"FROM {self.TABLE} s CROSS JOIN (SELECT {tsquery} AS query) AS q "
            f"WHERE s.vector @@ q.query AND s.language = %s AND {visible}"
        )
        return sql, [*query_params, language, *params]

    def page(self, words, language, match_all, offset, limit):
        """As SQLiteEngine.page."""
        where, params = self._where(words, language, match_all)
        # ts_headline reads whole texts, so it runs on this page's rows only.
        # The count runs over (id, score) pairs only: over whole matched rows it spilled to disk for a common word.
        # OFFSET 0 keeps PostgreSQL from folding the scoring step into the count's.
        sql = (
            "SELECT d.kind, d.object_id, "
            "ts_headline(%s::regconfig, d.summary || ' ' || d.body, ranked.query, %s), ranked.total FROM ("
            "SELECT id, query, score, COUNT(*) OVER () AS total FROM ("
            f"SELECT s.document_id AS id, q.query AS query, ts_rank(s.rank_vector, q.query) AS score {where} OFFSET 0"
            ") AS scored ORDER BY score DESC, id LIMIT %s OFFSET %s"
            ") AS ranked JOIN education_searchdocument d ON d.id = ranked.id ORDER BY ranked.score DESC, ranked.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._config(language), self.HEADLINE_OPTIONS, *params, limit, offset])
            rows = cursor.fetchall()
        hits = [(kind, object_id, snippet.strip()) for kind, object_id, snippet, _total in rows]
        return (rows[0][-1] if rows else None), hits


ENGINES = {"sqlite": SQLiteEngine, "postgresql": PostgreSQLEngine}


def get_engine():
    return ENGINES[connection.vendor]()


# --- Keeping the index in step ---------------------------------------------------------------------------------------


def _documents(kind, item):
    """Unsaved SearchDocuments for `item`: what a patient reads in each language (fallbacks included)."""
    documents = []
    for language in languages():
        with translation.override(language):
            title, summary, body = (clean_text(text) for text in kind.texts(item))
        documents.append(
            SearchDocument(
                kind=kind.name, object_id=item.pk, language=language, title=title, summary=summary, body=body,
                visible_from=item.visible_from,
            )
        )
    return documents


@transaction.atomic
def index_item(item):
    """Write `item`'s text, in every language, to the search index."""
    kind = KIND_BY_MODEL[item._meta.concrete_model]
    documents = []
    for document in _documents(kind, item):
        saved, _created = SearchDocument.objects.update_or_create(
            kind=document.kind,
            object_id=document.object_id,
            language=document.language,
            defaults={
                "title": document.title,
                "summary": document.summary,
                "body": document.body,
                "visible_from": document.visible_from,
            },
        )
        documents.append(saved)
    get_engine().store(documents)


@transaction.atomic
def unindex_item(item):
    kind = KIND_BY_MODEL[item._meta.concrete_model]
    documents = SearchDocument.objects.filter(kind=kind.name, object_id=item.pk)
    get_engine().remove(list(documents.values_list("pk", flat=True)))
    documents.delete()


@transaction.atomic
def rebuild_index(chunk_size=500):
    """Index every item again from scratch. Returns {kind name: number of items}."""
    engine = get_engine()
    engine.clear()
    SearchDocument.objects.all().delete()
    counts = {}
    for kind in KINDS.values():
        counts[kind.name] = 0
        batch = []
        for item in kind.model.objects.order_by("pk").iterator(chunk_size=chunk_size):
            batch += _documents(kind, item)
            counts[kind.name] += 1
            if len(batch) >= chunk_size:
                engine.store(SearchDocument.objects.bulk_create(batch))
                batch = []
        if batch:
            engine.store(SearchDocument.objects.bulk_create(batch))
    return counts


def _item_saved(sender, instance, **kwargs):
    index_item(instance)


def _item_deleted(sender, instance, **kwargs):
    unindex_item(instance)


def connect_signals():
    for kind in KINDS.values():
        post_save.connect(_item_saved, sender=kind.model, dispatch_uid=f"search-index-{kind.name}")
        post_delete.connect(_item_deleted, sender=kind.model, dispatch_uid=f"search-unindex-{kind.name}")


# --- Searching -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    title: str
    url: str
    snippet: str  # safe HTML: escaped text and <mark> tags


class _Matches:
    """The ranked hits of one query as a lazy sequence, so Paginator counts them and fetches one page only.

    One query answers both: it fetches the page asked for (`offset`) and the number of matches with it. Only a page
    number past the end costs a second query for the count, and a third for the last page.
    """

    def __init__(self, engine, words, language, match_all, offset, per_page):
        self.engine, self.words, self.language, self.match_all = engine, words, language, match_all
        self.offset, self.per_page = offset, per_page
        self._count, self._pages = None, {}

    def _fetch(self, offset):
        if offset not in self._pages:
            total, self._pages[offset] = self.engine.page(
                self.words, self.language, self.match_all, offset, self.per_page
            )
            if total is not None:
                self._count = total
        return self._pages[offset]

    def count(self):
        if self._count is None:
            self._fetch(self.offset)
        if self._count is None:
            self._count = self.engine.count(self.words, self.language, self.match_all) if self.offset else 0
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        limit = max(0, page.stop - page.start)
        rows = self._fetch(page.start)[:limit] if limit else []
        # Items are read once more through published(), the one rule, in case one changed since the count.
        items = {}
        for name in {kind for kind, _id, _snippet in rows}:
            ids = [object_id for kind, object_id, _snippet in rows if kind == name]
            items |= {(name, item.pk): item for item in KINDS[name].model.objects.published().filter(pk__in=ids)}
        hits = []
        with translation.override(self.language):
            for name, object_id, snippet in rows:
                item = items.get((name, object_id))
                if item is None:
                    continue
                kind = KINDS[name]
                title = getattr(item, kind.title_field)
                hits.append(Hit(name, str(kind.label), title, item.get_absolute_url(), render_snippet(snippet)))
        return hits


@dataclass
class SearchResults:
    query: str  # as searched and shown back
    words: list
    shortened: bool  # the query was longer than MAX_QUERY_LENGTH
    matched_all: bool  # False when no item has every word, so items with some of them are shown
    page: object  # django.core.paginator.Page of Hit

    max_length = MAX_QUERY_LENGTH

    @property
    def count(self):
        return self.page.paginator.count

    def page_range(self):
        """Page numbers for the links, with … for long runs."""
        return self.page.paginator.get_elided_page_range(self.page.number)


def search(query, language=None, page=1, per_page=PER_PAGE):
    """Published items in `language` (the active one by default) that match `query`, best first, one page of them.

    Any string is a valid query; words are matched in all their forms and without accents.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in languages():
        language = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    query, shortened = clean_query(query)
    words = query_words(query)
    engine = get_engine()
    try:
        # Only a hint for fetching the right page with the count; Paginator.get_page still decides.
        offset = max(0, int(page) - 1) * per_page
    except (TypeError, ValueError, OverflowError):
        offset = 0
    matches, matched_all = _Matches(engine, words, language, True, offset, per_page), True
    if not words:
        matches = []
    elif matches.count() == 0 and len(words) > 1:
        matches, matched_all = _Matches(engine, words, language, False, offset, per_page), False
    paginator = Paginator(matches, per_page)
    return SearchResults(query, words, shortened, matched_all, paginator.get_page(page))
