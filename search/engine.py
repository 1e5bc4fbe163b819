"""Site search: the registered kinds of content (search/registry.py), in the language the patient is reading.

One interface, `search(query, language, page)`, over two engines chosen by the database in use. Both index the same
tokens, made here in Python, so they find the same pages:

- every word is indexed as itself (accents removed), as its lemma (simplemma: "solari" -> "solare", "brufoli" ->
  "brufolo", "injections" -> "injection") and, marked with "~", as its Snowball stem;
- a query word matches its own form and lemma, and the terms of its synonym group (`Synonym`, kept by editors);
  only when that finds nothing does the search fall back to stems ("~sol" would join "solare" to "solito"), and
  only then to pages with some of the words rather than all;
- the engines rank the matches (title above summary above body), at most CANDIDATES of them (title matches first,
  see Engine), so a word found in every item costs no more than a rare one; the best RERANKED are ranked again here
  by what makes a page *about* the query: the query as the title, all its words or its phrase in the title or
  summary, then the kind of page (a treatment before an article before a question that mentions it in passing).

- PostgreSQL: a weighted tsvector per document (title A, summary B, body C) in `education_search_pg`, with a GIN
  index, written from the tokens above; ranked with ts_rank over a smaller vector (see PostgreSQLEngine).
- SQLite: an FTS5 table, `education_search_fts`, of the same tokens; ranked with bm25 (see SQLiteEngine).

Snippets come from one highlighter for both engines, over the text with headings kept apart from what follows.
When a search finds little, `suggestion` offers the closest words of the published vocabulary (`SearchWord`; trigrams
on PostgreSQL, edit distance with rapidfuzz on SQLite), checked to find visible pages; when it finds nothing,
`elsewhere` says how many pages match in each other language.

`SearchDocument` rows hold each item's plain text per language; both engine tables are keyed by its id (their names
still say "education": the tables were made when search lived in that app, and keeping them moved no data). The index
holds every item whatever its status, with the moments it becomes visible to patients and stops being visible (the
registered `Kind.window`, copied on every save): a search keeps the rows whose stored window holds the present
(`_visible_now`), so a scheduled item appears at its time and an expired one goes without a re-index, and reads the
items of the page it shows through the registered `Kind.visible` (the content's own rule), which has the last word.

The index follows content through `post_save`/`post_delete` receivers (`connect_signals`, called as a kind is
registered), not through the models' `save()`: deletes made by querysets, the admin's bulk delete and cascades call
no model method, but do send `post_delete`. `QuerySet.update()` of text sends nothing: run `rebuild_search_index`
after one.
"""
import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import simplemma
import snowballstemmer
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField, TrigramSimilarity
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, pgettext_lazy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import registry
from .models import IndexedVector, SearchDocument, SearchWord, Synonym, split_terms

MAX_QUERY_LENGTH = 200  # characters of the query that are read; the rest is ignored
MAX_TERMS = 10
MAX_TERM_LENGTH = 40
MAX_SYNONYM_WORDS = 4  # the longest synonym phrase looked for in a query
PER_PAGE = 10
RERANKED = 10  # the engine's best matches that are ranked again here; a multiple of PER_PAGE keeps pages whole
SNIPPET_WORDS = 30
SNIPPET_TEXT = 1_000  # characters of a result a snippet is looked for in first
# Engines mark matched words with these; the stored text never holds control characters, so they cannot clash.
MARK_START, MARK_END = "\x02", "\x03"
LEMMA_MARK = "="  # lemmas are indexed as "=lemma", so a word as typed also matches its own form, and ranks higher
STEM_MARK = "~"  # stems are indexed as "~stem", so they never meet a word or a lemma
DATA = Path(__file__).resolve().parent / "data"

WORD = re.compile(r"[^\W_]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
STEMMER_LANGUAGES = {"en": "english", "it": "italian"}


def kinds():
    """{kind name: Kind} of every registered kind (search/registry.py)."""
    return registry.kinds()


def kind_for_model(model):
    return registry.for_model(model)


def languages():
    return [code for code, _name in settings.LANGUAGES]


def clean_text(text):
    """One line of text: no control characters (so no NUL), single spaces."""
    return " ".join(CONTROL.sub(" ", text or "").split())


# --- Words, lemmas and stems ---------------------------------------------------------------------------------------


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


@functools.lru_cache(maxsize=200_000)
def word_tokens(word, language):
    """(exact, lemma, stem) index tokens of one word: casefolded, accents removed, lemma and stem marked.

    The lemma is looked up with the accents still on ("perché"), then stripped like the word.
    """
    folded = word.casefold()
    try:
        lemma = simplemma.lemmatize(folded, lang=language, low_memory=True)  # dictionaries read in place: 7 MB, not 68
    except ValueError:  # a language simplemma does not know: the word is its own lemma
        lemma = folded
    return strip_accents(folded), LEMMA_MARK + strip_accents(lemma.casefold()), STEM_MARK + stem(folded, language)


def indexed_text(text, language):
    """The tokens both engines index for `text`: each word's form, its lemma and its stem."""
    return [token for word in WORD.findall(text) for token in word_tokens(word[:MAX_TERM_LENGTH], language)]


@functools.cache
def stop_words(language):
    """Words a query ignores unless it has nothing else ("the", "come"), from search/data/."""
    path = DATA / f"search_stop_words_{language}.txt"
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(strip_accents(line.strip().casefold()) for line in lines if line.strip() and line[0] != "#")


_SYNONYMS = {}  # {language: (version, table)}: this process's copy, valid while the shared version is the same


def synonyms(language):
    """{tokens of a term as written: the forms of its groups} for `language`, from this process's copy.

    The copy is kept while the version of the lists stays the same (`lists_version`, registered by the content app:
    its page cache keeps it in the database, and saving or deleting a Synonym changes it), so every worker on every
    machine reads the new synonyms at its next search; a per-process cache could not tell another worker.
    """
    version = registry.SETTINGS.lists_version()
    memo = _SYNONYMS.get(language)
    if memo and memo[0] == version:
        return memo[1]
    table = {}
    for row in Synonym.objects.filter(language=language).values_list("terms", flat=True):
        terms = [WORD.findall(term.casefold()) for term in split_terms(row)]
        alternatives = {form for words in terms if words for form in _term_forms(words, language)}
        for words in terms:
            key = tuple(word_tokens(word, language)[0] for word in words)
            if key:
                table[key] = tuple(sorted(set(table.get(key, ())) | alternatives))
    _SYNONYMS[language] = (version, table)
    return table


def _term_forms(words, language):
    """How a synonym term as written is matched: as typed, and by lemma for each word written in its base form
    ("brufolo" also finds "brufoli"; "nei", written as the plural of "neo", must not also find "nel", its lemma)."""
    tokens = [word_tokens(word, language) for word in words]
    by_lemma = tuple(lemma if lemma[1:] == exact else exact for exact, lemma, _stem in tokens)
    return {tuple(exact for exact, _lemma, _stem in tokens), by_lemma}


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


@dataclass(frozen=True)
class Term:
    """What one query word, or one synonym phrase of the query, matches.

    `forms` are alternatives, each a tuple of tokens a page must all hold (a phrase's words); `stems` are the same
    alternatives by stem, the weaker fallback.
    """

    words: tuple
    forms: tuple
    stems: tuple

    def tokens(self, use_stems=False):
        found = {token for form in self.forms for token in form}
        return found | {token for form in self.stems for token in form} if use_stems else found


def query_terms(words, language):
    """The Terms of a query's words: synonym phrases grouped, stop words dropped unless nothing else is left."""
    table = synonyms(language)
    tokens = [word_tokens(word, language) for word in words]
    terms, position = [], 0
    while position < len(words):
        for size in range(min(MAX_SYNONYM_WORDS, len(words) - position), 0, -1):
            part = tokens[position : position + size]
            exact, lemmas = tuple(t[0] for t in part), tuple(t[1] for t in part)
            # A term found as typed stands for its group alone: "nei" (moles) must not also match "nel", its lemma.
            if exact in table:
                forms = {exact, *table[exact]}
                break
            if tuple(lemma[1:] for lemma in lemmas) in table:
                forms = {exact, lemmas, *table[tuple(lemma[1:] for lemma in lemmas)]}
                break
        else:
            size, forms = 1, {exact, lemmas}
        if exact == tuple(lemma[1:] for lemma in lemmas) and lemmas in forms:
            # A word typed in its base form: every form of it holds its lemma, so the lemma alone finds them all (and
            # one token costs the engines less than two).
            forms.discard(exact)
        word_stems = {tuple(STEM_MARK + stem(token.lstrip(LEMMA_MARK), language) for token in form) for form in forms}
        terms.append(Term(tuple(words[position : position + size]), tuple(sorted(forms)), tuple(sorted(word_stems))))
        position += size
    meaningful = [
        term
        for term in terms
        if len(term.words) > 1 or len(term.forms) > 2 or strip_accents(term.words[0]) not in stop_words(language)
    ]
    return meaningful or terms


@dataclass(frozen=True)
class Match:
    """One way of matching a query: its terms, by form (or also by stem), every term required or any."""

    terms: tuple
    use_stems: bool
    match_all: bool

    def expression(self, quote, and_, or_):
        """The match in an engine's syntax; tokens are letters, digits and STEM_MARK only, and quoted anyway."""

        def form(tokens):
            joined = and_.join(quote(token) for token in tokens)
            return f"({joined})" if len(tokens) > 1 else joined

        parts = []
        for term in self.terms:
            forms = term.forms + (term.stems if self.use_stems else ())
            parts.append("(" + or_.join(form(tokens) for tokens in forms) + ")")
        return (and_ if self.match_all else or_).join(parts)


def matches_in_order(terms):
    """The ways to match, strictest first: all terms by form, all by stem, any by form, any by stem."""
    ways = [Match(terms, False, True), Match(terms, True, True)]
    if len(terms) > 1:
        ways += [Match(terms, False, False), Match(terms, True, False)]
    return ways


# --- Snippets ------------------------------------------------------------------------------------------------------


def render_snippet(marked):
    """HTML for a snippet whose matches are between MARK_START and MARK_END: the text escaped, only our <mark>s."""
    escaped = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - everything but our own tags has just been escaped


def highlight(text, tokens, language, size=SNIPPET_WORDS):
    """About `size` words of `text` around the most matched words, with the words holding `tokens` marked.

    The words are looked for in the first SNIPPET_TEXT characters, and in the whole text only when those hold none:
    a result's opening nearly always holds them, and a whole body costs several times as much to read.
    """
    cut = text.rfind(" ", 0, SNIPPET_TEXT) if len(text) > SNIPPET_TEXT else -1
    if cut > 0:
        opening = highlight(text[:cut], tokens, language, size)
        if MARK_START in opening:
            return opening if opening.endswith(" …") else opening + " …"  # the text goes on after the opening
    words = WORD.findall(text)
    if not words:
        return ""
    # Look each distinct word up once; texts repeat their words a lot.
    matching = {}
    for word in set(words):
        forms = word_tokens(word, language)
        if not tokens.isdisjoint(forms):  # most words match nothing: no set made for them
            matching[word] = min(tokens.intersection(forms))
    matched = [i for i, word in enumerate(words) if word in matching]

    def distinct_matches(first):
        window = matched[bisect.bisect_left(matched, first) : bisect.bisect_left(matched, first + size)]
        return len({matching[words[i]] for i in window})

    # The window that shows the most different query words, starting a few words before a match.
    first = max((max(0, i - 3) for i in matched), key=distinct_matches, default=0)
    last = min(len(words), first + size)
    tokens_iter = itertools.islice(WORD.finditer(text), first, last)
    pieces, position = [], None
    for token in tokens_iter:
        if position is not None:
            pieces.append(text[position : token.start()])
        word = token.group()
        pieces.append(f"{MARK_START}{word}{MARK_END}" if word in matching else word)
        position = token.end()
    if last == len(words):
        pieces.append(text[position:])
    snippet = "".join(pieces).strip()
    return ("… " if first else "") + snippet + (" …" if last < len(words) else "")


# --- Ranking -------------------------------------------------------------------------------------------------------


def _content(words, language):
    """The words that are not stop words, or all of them when all are."""
    return tuple(word for word in words if word not in stop_words(language)) or words


def _covered(term, tokens, use_stems=False):
    return any(set(form) <= tokens for form in term.forms + (term.stems if use_stems else ()))


def about_score(row, match, words, language):
    """How much a page is about the query, from its title and summary (the engines' order breaks ties)."""
    terms, use_stems = match.terms, match.use_stems
    parts = 3 if use_stems else 2  # a word's tokens compared: its form and lemma, and its stem when matching by stem
    _id, kind, _object_id, title, summary, _body = row
    stop = stop_words(language)
    # Each word of the title and summary is looked up once; its exact tokens (`*_words`) compare phrases whatever
    # the case, accents and punctuation.
    in_title = [word_tokens(word, language) for word in WORD.findall(title)]
    in_summary = [word_tokens(word, language) for word in WORD.findall(summary)]
    title_words, summary_words = tuple(t[0] for t in in_title), tuple(t[0] for t in in_summary)
    title_tokens = [set(t[:parts]) for t in in_title]
    summary_tokens = {token for t in in_summary for token in t[:parts]}
    all_title_tokens = set().union(*title_tokens)
    query = tuple(strip_accents(word) for word in words)
    wanted = {token for term in terms for token in term.tokens(use_stems)}
    score = kinds()[kind].prior
    if _content(title_words, language) == _content(query, language):
        score += 50  # the page is about exactly this: a question asked as the patient asked it, a topic's name
    head_words = zip(title_tokens, title_words[: _head_length(title)], strict=False)
    head = [tokens for tokens, word in head_words if word not in stop]
    head_tokens = set().union(*head)
    if head and all(tokens & wanted for tokens in head) and all(_covered(t, head_tokens, use_stems) for t in terms):
        score += 25  # the title's head ("Acne: what it is", "Warts and verrucas") is the query or its synonyms
    score += 20 * sum(_covered(term, all_title_tokens, use_stems) for term in terms) / len(terms)
    score += 8 * sum(_covered(term, summary_tokens, use_stems) for term in terms) / len(terms)
    if len(query) > 1 and (_has_phrase(title_words, query) or _has_phrase(summary_words, query)):
        score += 10
    # A short title that the query fills is more about it than a long one that mentions it.
    content = [tokens for tokens, word in zip(title_tokens, title_words, strict=False) if word not in stop]
    if content:
        score += 4 * sum(1 for tokens in content if tokens & wanted) / len(content)
    return score


TITLE_HEAD_END = re.compile(r"[:(?—–]| - ")


def _head_length(title):
    """The number of words before a title's first colon, bracket or dash: what the page is about."""
    return len(WORD.findall(TITLE_HEAD_END.split(title, maxsplit=1)[0]))


def _has_phrase(words, phrase):
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _visible_now(alias):
    """SQL (and params) true for the rows of `alias` whose stored window holds the present moment.

    The window is the item's own (`Kind.window`, the content's published rule): visible from `visible_from` on, until
    `visible_until` if set, never while `visible_from` is empty. tests/test_visibility.py checks that this agrees with
    the content's `published()` in every state.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = f"{alias}.visible_from <= %s AND ({alias}.visible_until IS NULL OR {alias}.visible_until > %s)"
    return f"({sql})", [now, now]


# --- Engines -------------------------------------------------------------------------------------------------------


class Engine:
    """What both engines share; each gives TABLE, _store(), remove() and _candidates().

    A word found in nearly every item must cost no more than a rare one, so a search ranks and counts at most
    CANDIDATES + 1 documents: each engine's `_candidates` takes those with the words in the title first, then in the
    summary (and, on PostgreSQL, the body's opening), then anywhere, each step stopping once the set is full, and
    scores them. More than CANDIDATES means "more than CANDIDATES results", and only the best CANDIDATES are shown
    (`_Matches.capped`).
    """

    TABLE = None
    CANDIDATES = 100  # the most matches a search ranks and counts: ten pages of results

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE}")
        SearchWord.objects.all().delete()

    def store(self, documents):
        self._store(documents)
        # The vocabulary for spelling suggestions: words of three letters or more, as written, per language.
        words = {}
        for doc in documents:
            for word in WORD.findall(f"{doc.title} {doc.summary} {doc.body}"):
                if len(word) >= 3 and len(word) <= MAX_TERM_LENGTH and word.isalpha():
                    folded = word.casefold()
                    words.setdefault((doc.language, strip_accents(folded)), folded)
        SearchWord.objects.bulk_create(
            [SearchWord(language=lang, word=word, display=display) for (lang, word), display in words.items()],
            ignore_conflicts=True,
            batch_size=1000,
        )

    def _execute(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, match, language):
        """The number of matches, up to CANDIDATES + 1 (more than CANDIDATES)."""
        candidates, params = self._candidates(match, language)
        return self._execute(f"{candidates} SELECT count(*) FROM candidates", params)[0][0]

    def page(self, match, language, offset, limit):
        """(number of matches, [(id, kind, object_id, title, summary, body)] for one page, best first), in one query
        over the candidates alone: a number above CANDIDATES means more.

        The number is None when the page is past the end: no row is left to carry it.
        """
        candidates, params = self._candidates(match, language)
        sql = (
            f"{candidates} SELECT d.id, d.kind, d.object_id, d.title, d.summary, d.body, ranked.total FROM ("
            "SELECT document_id, score, COUNT(*) OVER () AS total FROM candidates "
            "ORDER BY score DESC, document_id LIMIT %s OFFSET %s"
            f") AS ranked JOIN {SearchDocument._meta.db_table} d ON d.id = ranked.document_id "
            "ORDER BY ranked.score DESC, ranked.document_id"
        )
        rows = self._execute(sql, [*params, limit, offset])
        return (rows[0][-1] if rows else None), [row[:-1] for row in rows]

    def similar_words(self, words, language):
        """{word: words of the vocabulary within a small edit distance of it, closest first (at most five)}."""
        candidates = self._candidate_words(words, language)
        similar = {}
        for word in words:
            limit = 1 if len(word) <= 4 else 2
            found = process.extract(word, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=5)
            similar[word] = [candidates[index] for _w, _distance, index in sorted(found, key=lambda f: (f[1], f[2]))]
        return similar


class SQLiteEngine(Engine):
    """FTS5 over the tokens made here; bm25 with the title weighing most."""

    TABLE = "education_search_fts"
    # bm25 weights for the title, summary and body columns.
    WEIGHTS = (10.0, 4.0, 1.0)

    @staticmethod
    def _quote(token):
        # Each token becomes a quoted FTS5 string: no word can act as an operator (AND, OR, NOT, NEAR, *, ^, :).
        return '"{}"'.format(token.replace('"', '""'))

    def _store(self, documents):
        rows = [
            (doc.pk, *(" ".join(indexed_text(text, doc.language)) for text in (doc.title, doc.summary, doc.body)))
            for doc in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(row[0],) for row in rows])
            cursor.executemany(f"INSERT INTO {self.TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)", rows)

    def remove(self, document_ids):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [(pk,) for pk in document_ids])

    def _candidates(self, match, language):
        """SQL (and params) of `candidates (document_id, score)`: at most CANDIDATES + 1 visible documents of
        `language` that `match` finds, the title matches first, then the summary's, then the rest; score is -bm25.

        Each step reads the full-text index in rowid order and stops at its LIMIT (FTS5 column filters pick the
        title, then the title and summary). The chosen few are scored in a last pass over the whole match, with
        bm25 read for them alone: bm25 needs each word's frequency in the whole table, which FTS5 reckons once per
        pass, so looking the candidates up one by one (an indexed `rowid IN`) cost 25-48 ms, more than ranking every
        match; the unary `+` keeps the IN from becoming that lookup.
        """
        visible, now = _visible_now("d")
        # The index (migrations 0004, 0013) holds id, language and both visibility bounds: the long texts are never
        # read here. FTS5 refuses bm25() beside a window function (page()'s count), hence `candidates` materialized.
        matching = (
            f"FROM {self.TABLE} JOIN {SearchDocument._meta.db_table} d INDEXED BY search_document_visible "
            f"ON d.id = {self.TABLE}.rowid WHERE {self.TABLE} MATCH %s AND d.language = %s AND {visible}"
        )
        expression = match.expression(self._quote, " AND ", " OR ")
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        limit = self.CANDIDATES + 1
        sql = (
            f"WITH in_title AS MATERIALIZED (SELECT d.id AS document_id {matching} LIMIT %s), "
            f"in_head AS MATERIALIZED (SELECT d.id AS document_id {matching} "
            "AND d.id NOT IN (SELECT document_id FROM in_title) LIMIT %s - (SELECT count(*) FROM in_title)), "
            f"in_body AS MATERIALIZED (SELECT d.id AS document_id {matching} "
            "AND d.id NOT IN (SELECT document_id FROM in_title UNION ALL SELECT document_id FROM in_head) "
            "LIMIT %s - (SELECT count(*) FROM in_title) - (SELECT count(*) FROM in_head)), "
            # bm25 is lower for a better match; negated, the shared page() orders both engines' scores alike.
            f"candidates AS MATERIALIZED (SELECT rowid AS document_id, -bm25({self.TABLE}, {weights}) AS score "
            f"FROM {self.TABLE} WHERE {self.TABLE} MATCH %s AND +rowid IN ("
            "SELECT document_id FROM in_title UNION ALL SELECT document_id FROM in_head "
            "UNION ALL SELECT document_id FROM in_body)) "
        )
        params = [
            f"{{title}} : ({expression})", language, *now, limit,
            f"{{title summary}} : ({expression})", language, *now, limit,
            expression, language, *now, limit,
            expression,
        ]
        return sql, params

    def _candidate_words(self, words, language):
        lengths = [len(word) for word in words]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM education_searchword WHERE language = %s AND length(word) BETWEEN %s AND %s",
                [language, min(lengths) - 2, max(lengths) + 2],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgreSQLEngine(Engine):
    """A GIN-indexed tsvector finds the matches; a small one, with a GIN index of its own, ranks a bounded set of them.

    The vectors are written from the tokens made here (a word, its lemma and its stem share a position), not by a
    text search configuration: PostgreSQL has no Italian lemmatiser, and a custom dictionary would need files
    installed on the database server. Each document has two, both written at save:
    - `vector`, the whole text with stems, stored out of line (TOAST): what a search matches;
    - `rank_vector`, the title, the summary and the opening of the body (RANKED_BODY characters) without stems, plus
      the title's words again marked with TITLE_MARK: what ranks, and what finds the pages *about* a word.

    The bounded candidate set (`Engine`) is read here from the GIN indexes: the title step from `rank_vector`'s
    marked title words, the summary and opening step from `rank_vector`, the last from `vector`. Without the bound,
    `acne` on the 10,000-article library ranked all 10,877 of its English matches (p95 66-108 ms in one process under
    load; 25-37 ms with it, README "Speed").

    Where SQL of our own remains, and why:
    - The query is a tsquery of our tokens, read as written (`::tsquery`); SearchQuery's functions (to_tsquery and
      the others) parse it with a configuration, which would split "=acne" and drop the "=".
    - The vectors are tsvector literals made here (`_vector`), cast as they are stored; SearchVector would make them
      with a configuration.
    - The candidates are steps that each stop when the set is full (CTEs with a LIMIT that depends on the steps
      before), which the ORM cannot express.
    - `_execute` forbids the sequential scan for these statements (`SET LOCAL enable_seqscan = off`): the planner
      cannot tell what unpacking each out-of-line vector costs, and after an update of every row it chose to read
      every vector over the GIN index (63-69 ms a query in issue 15; 0.66-1.4 s for a word no body has, README
      "Speed"). With no sequential scan to choose, the only plans left read the GIN indexes
      (tests/test_search_candidates.py checks the plan).
    Snippets come from the shared highlighter rather than SearchHeadline, whose ts_headline would need a
    configuration that knows our tokens, and would read the whole body of each result.
    """

    TABLE = "education_search_pg"
    RANKED_BODY = 150  # characters: about the first two sentences
    MAX_POSITION = 16383  # PostgreSQL's limit; later words share it
    MAX_POSITIONS = 256  # positions kept per lexeme, as PostgreSQL keeps
    SPELLING_CANDIDATES = 50  # per typed word, the most similar by trigrams
    TITLE_MARK = "^"  # a title's words in rank_vector, so one GIN index finds the title matches apart

    @staticmethod
    def _quote(token):
        return "'{}'".format(token.replace("\\", "\\\\").replace("'", "''"))

    @classmethod
    def _title_quote(cls, token):
        return cls._quote(cls.TITLE_MARK + token)

    @classmethod
    def _vector(cls, parts, language, stems=True, mark=""):
        """A tsvector literal of [(text, weight)]: each word's tokens at its position, with its part's weight."""
        positions, position = {}, 0
        for text, weight in parts:
            for word in WORD.findall(text):
                position = min(position + 1, cls.MAX_POSITION)
                tokens = word_tokens(word[:MAX_TERM_LENGTH], language)
                for token in set(tokens if stems else tokens[:2]):
                    kept = positions.setdefault(mark + token, [])
                    if len(kept) < cls.MAX_POSITIONS:
                        kept.append(f"{position}{weight}")
        return " ".join(f"{cls._quote(token)}:{','.join(kept)}" for token, kept in positions.items())

    def clear(self):
        IndexedVector.objects.all().delete()
        SearchWord.objects.all().delete()

    def _store(self, documents):
        rows = []
        for doc in documents:
            head = [(doc.title, "A"), (doc.summary, "B")]
            # No stems: a smaller vector ranks faster, and a match by stem is a fallback, ranked here anyway.
            ranked = self._vector([*head, (doc.body[: self.RANKED_BODY], "C")], doc.language, stems=False)
            titled = self._vector([(doc.title, "A")], doc.language, stems=False, mark=self.TITLE_MARK)
            rows.append(
                IndexedVector(
                    document_id=doc.pk, language=doc.language, kind=doc.kind, object_id=doc.object_id,
                    visible_from=doc.visible_from, visible_until=doc.visible_until,
                    vector=Cast(Value(self._vector([*head, (doc.body, "C")], doc.language)), SearchVectorField()),
                    rank_vector=Cast(Value(f"{ranked} {titled}".strip()), SearchVectorField()),
                )
            )
        IndexedVector.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["document_id"],
            update_fields=["language", "kind", "object_id", "visible_from", "visible_until", "vector", "rank_vector"],
        )

    def remove(self, document_ids):
        IndexedVector.objects.filter(document_id__in=list(document_ids)).delete()

    def _execute(self, sql, params):
        """The rows of `sql`, planned without a sequential scan (see the class docstring).

        One round trip: the three statements run in one transaction (an implicit one outside a transaction block),
        so SET LOCAL holds for `sql` alone, and is undone at once inside a longer transaction (a request's, a test's).
        Several statements in one execute() need client-side parameter binding, Django's default for psycopg 3.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL enable_seqscan = off; {sql}; SET LOCAL enable_seqscan TO DEFAULT", params)
            cursor.nextset()  # from the first statement's result to the query's
            return cursor.fetchall()

    def _candidates(self, match, language):
        """SQL (and params) of `candidates (document_id, score)`: at most CANDIDATES + 1 visible documents of
        `language` that `match` finds, the title matches first, then the summary's, then the rest."""
        visible, now = _visible_now(self.TABLE)
        where = f"{visible} AND {self.TABLE}.language = %s"
        limit = self.CANDIDATES + 1
        # OFFSET 0 keeps the words from the planner: seeing a common one, it would prefer reading every row.
        sql = (
            "WITH query AS (SELECT %s::tsquery AS q, %s::tsquery AS title_q OFFSET 0), "
            f"in_title AS MATERIALIZED (SELECT document_id, ts_rank(rank_vector, (SELECT q FROM query)) AS score "
            f"FROM {self.TABLE} WHERE rank_vector @@ (SELECT title_q FROM query) AND {where} LIMIT %s), "
            f"in_head AS MATERIALIZED (SELECT document_id, ts_rank(rank_vector, (SELECT q FROM query)) AS score "
            f"FROM {self.TABLE} WHERE rank_vector @@ (SELECT q FROM query) AND {where} "
            "AND document_id NOT IN (SELECT document_id FROM in_title) "
            "LIMIT %s - (SELECT count(*) FROM in_title)), "
            f"in_body AS MATERIALIZED (SELECT document_id, ts_rank(rank_vector, (SELECT q FROM query)) AS score "
            f"FROM {self.TABLE} WHERE vector @@ (SELECT q FROM query) AND {where} "
            "AND document_id NOT IN (SELECT document_id FROM in_title UNION ALL SELECT document_id FROM in_head) "
            "LIMIT %s - (SELECT count(*) FROM in_title) - (SELECT count(*) FROM in_head)), "
            "candidates AS (SELECT * FROM in_title UNION ALL SELECT * FROM in_head UNION ALL SELECT * FROM in_body)"
        )
        params = [
            match.expression(self._quote, " & ", " | "), match.expression(self._title_quote, " & ", " | "),
            *now, language, limit, *now, language, limit, *now, language, limit,
        ]
        return sql, params

    def _candidate_words(self, words, language):
        # pg_trgm narrows the vocabulary (GIN index, migration 0007); edit distance then decides, as on SQLite.
        similar = [
            SearchWord.objects.filter(language=language, word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity")
            .values_list("word", flat=True)[: self.SPELLING_CANDIDATES]
            for word in words
        ]
        return list(similar[0].union(*similar[1:])) if similar else []


ENGINES = {"sqlite": SQLiteEngine, "postgresql": PostgreSQLEngine}


def get_engine():
    return ENGINES[connection.vendor]()


# --- Keeping the index in step ---------------------------------------------------------------------------------------


def _documents(kind, item):
    """Unsaved SearchDocuments for `item`: what a patient reads in each language (fallbacks included)."""
    documents = []
    visible_from, visible_until = kind.window(item)
    for language in languages():
        with translation.override(language):
            title, summary, body = (clean_text(text) for text in kind.texts(item))
        documents.append(
            SearchDocument(
                kind=kind.name, object_id=item.pk, language=language, title=title, summary=summary, body=body,
                visible_from=visible_from, visible_until=visible_until,
            )
        )
    return documents


@transaction.atomic
def index_item(item):
    """Write `item`'s text, in every language, to the search index."""
    kind = kind_for_model(item)
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
                "visible_until": document.visible_until,
            },
        )
        documents.append(saved)
    get_engine().store(documents)


@transaction.atomic
def unindex_item(item):
    kind = kind_for_model(item)
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
    for kind in kinds().values():
        counts[kind.name] = 0
        batch = []
        for item in kind.model._default_manager.order_by("pk").iterator(chunk_size=chunk_size):
            batch += _documents(kind, item)
            counts[kind.name] += 1
            if len(batch) >= chunk_size:
                engine.store(SearchDocument.objects.bulk_create(batch))
                batch = []
        if batch:
            engine.store(SearchDocument.objects.bulk_create(batch))
    registry.SETTINGS.lists_changed()  # the index's own rows are not content: say once that results changed
    return counts


def _item_saved(sender, instance, **kwargs):
    if kind_for_model(sender):  # still registered
        index_item(instance)


def _item_deleted(sender, instance, **kwargs):
    if kind_for_model(sender):
        unindex_item(instance)


def connect_signals(kind):
    """Index `kind`'s model on save and delete (registry.register() calls this)."""
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

    One query answers both: it fetches the page asked for and the number of matches with it. The first RERANKED
    matches are fetched together and ranked again by `about_score`; later pages keep the engine's order. Only a
    page number past the end costs a second query for the count, and a third for the last page. The engine counts
    up to one more than its bound (`Engine.CANDIDATES`): the count is then the bound, and `capped` is true.
    """

    def __init__(self, engine, match, words, language, offset, per_page):
        self.engine, self.match, self.words, self.language = engine, match, words, language
        self.offset, self.per_page = offset, per_page
        self._count, self._pages = None, {}

    def _fetch(self, offset, limit):
        """Rows from `offset`, best first; the reranked head is fetched whole whatever part of it is asked for."""
        start, size = (0, max(RERANKED, offset + limit)) if offset < RERANKED else (offset, limit)
        if (start, size) not in self._pages:
            total, rows = self.engine.page(self.match, self.language, start, size)
            if start == 0:
                head = rows[:RERANKED]
                # sorted() is stable: equal scores keep the engine's order.
                head = sorted(head, key=lambda row: -about_score(row, self.match, self.words, self.language))
                rows = head + rows[RERANKED:]
            self._pages[(start, size)] = rows
            if total is not None:
                self._count = total
        return self._pages[(start, size)][offset - start : offset - start + limit]

    def _matched(self):
        if self._count is None:
            self._fetch(self.offset, self.per_page)
        if self._count is None:
            self._count = self.engine.count(self.match, self.language) if self.offset else 0
        return self._count

    def count(self):
        return min(self._matched(), self.engine.CANDIDATES)

    @property
    def capped(self):
        return self._matched() > self.engine.CANDIDATES

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        limit = max(0, page.stop - page.start)
        rows = self._fetch(page.start, limit) if limit else []
        # Items are read once more through published(), the one rule, in case one changed since the count.
        items = {}
        registered = kinds()
        for name in {row[1] for row in rows} & set(registered):
            ids = [row[2] for row in rows if row[1] == name]
            items |= {(name, item.pk): item for item in shown_items(registered[name], ids)}
        tokens = {token for term in self.match.terms for token in term.tokens(self.match.use_stems)}
        hits = []
        with translation.override(self.language):
            for _id, name, object_id, _title, summary, body in rows:
                item = items.get((name, object_id))
                if item is None:
                    continue
                kind = registered[name]
                title = kind.read(item, kind.title)
                snippet = highlight(f"{summary} {body}".strip(), tokens, self.language)
                hits.append(Hit(name, str(kind.label), title, kind.url(item), render_snippet(snippet)))
        return hits


def shown_items(kind, ids):
    """The items of `kind` with these ids that patients may see now, with what a hit shows of them: its title and
    the URL's arguments (the rest of a row, long texts in every language, would be read and converted for nothing).
    The content's own read when it registered one (`Kind.shown`); otherwise through `Kind.visible`, whole rows for
    a URL argument that is no field (a property may need anything)."""
    if kind.shown is not None:
        return kind.shown(ids)
    shown = (kind.title, *kind.url_kwargs)
    fields = {field.name for field in kind.model._meta.concrete_fields} | {"pk"}
    queryset = kind.model._default_manager.filter(pk__in=ids)
    return kind.visible(queryset.only(*shown) if set(shown) <= fields else queryset)


# Language names as they read inside a sentence ("2 pages in English", "2 pagine in inglese"); a language missing here
# gets Django's translated name.
NAMES_IN_A_SENTENCE = {
    "English": pgettext_lazy("in a sentence", "English"),
    "Italian": pgettext_lazy("in a sentence", "Italian"),
}


def name_in_a_sentence(language):
    info = get_language_info(language)
    return str(NAMES_IN_A_SENTENCE.get(info["name"], info["name_translated"]))


@dataclass(frozen=True)
class Elsewhere:
    """Pages that match the query in another language, with the search there."""

    language: str
    name: str
    count: int  # at most the engine's bound (Engine.CANDIDATES)
    url: str
    capped: bool = False  # more pages than `count` match


@dataclass
class SearchResults:
    query: str  # as searched and shown back
    words: list
    shortened: bool  # the query was longer than MAX_QUERY_LENGTH
    matched_all: bool  # False when no item has every word, so items with some of them are shown
    page: object  # django.core.paginator.Page of Hit
    suggestion: str = ""  # a query with misspelt words replaced, when this one found little
    suggestion_url: str = ""
    elsewhere: list = field(default_factory=list)  # [Elsewhere], when nothing matched in this language
    corrected_from: str = ""  # the query as typed, when it found nothing and these are its suggestion's results
    capped: bool = False  # more items match than the engine ranks (Engine.CANDIDATES): `count` is that bound

    max_length = MAX_QUERY_LENGTH

    @property
    def count(self):
        return self.page.paginator.count

    def page_range(self):
        """Page numbers for the links, with … for long runs."""
        return self.page.paginator.get_elided_page_range(self.page.number)


def _search_url(language, query):
    with translation.override(language):
        return reverse(registry.SETTINGS.results_url_name) + "?" + urlencode({"q": query})


def suggest(engine, words, language):
    """The query with its unknown words replaced by the closest published ones, or "" when there is none.

    A word is unknown when the vocabulary lacks it; the replacement is offered only if the search it makes finds
    pages patients may see now, so a word only a draft contains is never offered.
    """
    folded = [strip_accents(word) for word in words]
    known = set(SearchWord.objects.filter(language=language, word__in=folded).values_list("word", flat=True))
    unknown = [i for i, word in enumerate(folded) if word not in known and not word.isdigit() and len(word) > 2]
    if not unknown:
        return ""
    similar = engine.similar_words([folded[i] for i in unknown], language)
    choices = {i: similar[folded[i]] for i in unknown}
    replaced = list(words)
    for i in unknown:
        if choices[i]:
            replaced[i] = choices[i][0]
    if replaced == list(words):
        return ""
    # One check, with the closest word for each: whether patients may see a page that has them all.
    if not engine.count(Match(tuple(query_terms(replaced, language)), False, True), language):
        return ""
    displays = dict(SearchWord.objects.filter(language=language, word__in=replaced).values_list("word", "display"))
    return " ".join(displays.get(word, word) for word in replaced)


def search(query, language=None, page=1, per_page=PER_PAGE, correct=True):
    """Published items in `language` (the active one by default) that match `query`, best first, one page of them.

    Any string is a valid query; words are matched in all their forms, by synonym and without accents. When nothing
    matches but a spelling suggestion does, the results are the suggestion's, with `corrected_from` set.
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
    matches, matched_all, suggestion, elsewhere = [], True, "", []
    if words:
        terms = tuple(query_terms(words, language))
        for match in matches_in_order(terms):
            matches = _Matches(engine, match, words, language, offset, per_page)
            if matches.count():
                matched_all = match.match_all
                break
        else:
            match = None
        if match is None or match != matches_in_order(terms)[0]:
            suggestion = suggest(engine, words, language)
        if match is None and suggestion and correct:
            corrected = search(suggestion, language, page, per_page, correct=False)
            corrected.corrected_from, corrected.shortened = query, shortened
            return corrected
        if match is None:
            matches = []
            for other in languages():
                if other != language:
                    # Every word by form or synonym: a hint should be sure, and cost one query per language.
                    found = engine.count(Match(tuple(query_terms(words, other)), False, True), other)
                    if found:
                        elsewhere.append(
                            Elsewhere(
                                other, name_in_a_sentence(other), min(found, engine.CANDIDATES),
                                _search_url(other, query), capped=found > engine.CANDIDATES,
                            )
                        )
    paginator = Paginator(matches, per_page)
    return SearchResults(
        query, words, shortened, matched_all, paginator.get_page(page), suggestion,
        _search_url(language, suggestion) if suggestion else "", elsewhere, capped=bool(matches) and matches.capped,
    )
