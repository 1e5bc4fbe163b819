"""Content-quality checks for patient texts: readability and risky claims.

Both work on the Markdown editors type, in English ("en") or Italian ("it"), and
are plain Python so they can run on every save.

Readability
    English: Flesch-Kincaid grade level, target 8 or lower.
        0.39 * words / sentences + 11.8 * syllables / words - 15.59
    Italian: Gulpease index, target 60 or higher (higher is easier).
        89 + (300 * sentences - 10 * letters) / words

    The formulas are implemented here rather than taken from textstat (0.7.13):
    its Gulpease counts punctuation as letters, both scores drop every sentence
    of two words or fewer, and its English syllable counts need NLTK's cmudict,
    which it downloads from the internet on first use. English syllables come
    from pyphen's hyphenation patterns, which leave out breaks near the ends of
    a word ("about", "very", "any" come out as one syllable), so each word gets
    the larger of that count and a vowel-group count with a silent final "e".

    Counting rules: a heading, a list item and a table cell each end a sentence,
    as does ".", "!" or "?" followed by a space and a word that does not start in
    lower case (except after a few abbreviations such as "Dr."). Words are runs of
    letters and digits; hyphenated words count as one word, and so do English
    contractions, while an Italian elision ("l'acqua") is two words. Gulpease
    letters are the letters and digits of the words.

Risky claims
    Phrases staff keep in data/risky_phrases.txt, by language and category. Text
    and phrases are compared as Snowball stems of words with case, accents and
    hyphens removed, so "NO SIDE-EFFECT" matches "no side effects" and
    "garantita" matches "garantito". A match is skipped when a negation word from
    the same file comes up to three words before it in the same clause ("Results
    are not guaranteed", "There is no cure for acne").
"""
import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyphen
import snowballstemmer

PHRASES_FILE = Path(__file__).parent / "data" / "risky_phrases.txt"
LANGUAGES = {"en": "english", "it": "italian"}
NEGATION = "negation"
NEGATION_WINDOW = 3


class Sentence(NamedTuple):
    text: str
    words: int


@dataclass(frozen=True)
class Readability:
    measure: str  # "Flesch-Kincaid grade" or "Gulpease"
    score: float  # rounded to one decimal
    target: float
    higher_is_easier: bool  # False for Flesch-Kincaid (a grade), True for Gulpease
    target_met: bool
    words: int
    sentences: int
    longest_sentences: tuple[Sentence, ...]  # longest first


class RiskyClaim(NamedTuple):
    phrase: str  # as written in the data file
    category: str
    sentence: str  # the sentence it was found in, with the Markdown syntax removed


def _language(language):
    code = (language or "").lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"Unsupported language {language!r}; expected one of {sorted(LANGUAGES)}")
    return code


# --- Markdown to sentences -------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}(?:([-*_])\s*\1\s*\1[-*_\s]*|=+\s*)$")  # also a setext heading underline
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s:|-]*-[\s:|-]*$")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_INLINE = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images are not read as prose
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),  # [text][ref] -> text
    (re.compile(r"<[^>]*>"), ""),  # autolinks and HTML tags
    (re.compile(r"(?:https?://|www\.)\S+"), ""),
    (re.compile(r"\\(?=\S)"), ""),  # backslash escapes
    (re.compile(r"[*_`~]+"), ""),  # emphasis and code marks
]
_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "approx",
    "dott", "dott.ssa", "dr.ssa", "prof.ssa", "sig", "sig.ra", "es",
}


def _blocks(text):
    """Markdown to plain-text blocks: paragraphs, headings, list items and table cells."""
    blocks, current, in_code = [], [], False

    def flush():
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for line in text.splitlines():
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        line = _QUOTE.sub("", line)
        if not line.strip() or _RULE.match(line) or _REFERENCE.match(line):
            flush()
        elif heading := _HEADING.match(line):
            flush()
            blocks.append(heading.group(1))
        elif item := _LIST_ITEM.match(line):
            flush()
            current.append(item.group(1))
        elif line.lstrip().startswith("|"):
            flush()
            if not _TABLE_SEPARATOR.match(line):
                blocks.extend(line.strip().strip("|").split("|"))
        else:
            current.append(line.strip())
    flush()

    for block in blocks:
        for pattern, replacement in _INLINE:
            block = pattern.sub(replacement, block)
        block = " ".join(html.unescape(block).split())
        if block:
            yield block


def _split_sentences(block):
    start = 0
    for match in _TERMINATOR.finditer(block):
        before = block[start:match.start()].split()
        if block[match.end()].islower() or (before and before[-1].casefold().lstrip("([\"'") in _ABBREVIATIONS):
            continue
        yield block[start:match.end()].strip()
        start = match.end()
    if block[start:].strip():
        yield block[start:].strip()


def sentences(text: str | None) -> Iterator[str]:
    """The sentences of a Markdown text, with the Markdown syntax removed."""
    for block in _blocks(text or ""):
        yield from _split_sentences(block)


# --- Readability -----------------------------------------------------------

_WORD = {
    "en": re.compile(r"[^\W_]+(?:['’-][^\W_]+)*"),  # don't, side-effect: one word each
    "it": re.compile(r"[^\W_]+(?:-[^\W_]+)*"),  # l'acqua: two words
}
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"[^aeiouy]e(?:ly|ful|fully|ment|ments|ness|less)?$")
_SILENT_ES_ED = re.compile(r"[^aeiouy]e[sd]$")
_SOUNDED_ES_ED = re.compile(r"(?:[td]ed|[sxzcg]es|[cs]hes)$")
_SOUNDED_LE = re.compile(r"[^aeiouy]le$")  # table, simple


@functools.cache
def _hyphenator():
    return pyphen.Pyphen(lang="en_US")


@functools.lru_cache(maxsize=20_000)
def _syllables(word: str) -> int:
    """English syllables of one word (no hyphens)."""
    word = word.lower()
    hyphenated = len(_hyphenator().positions(word)) + 1
    vowels = len(_VOWEL_GROUP.findall(word))
    if vowels > 1 and (
        (_SILENT_E.search(word) and not _SOUNDED_LE.search(word))
        or (_SILENT_ES_ED.search(word) and not _SOUNDED_ES_ED.search(word))
    ):
        vowels -= 1
    return max(hyphenated, vowels, 1)


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def gulpease(words: int, sentences: int, letters: int) -> float:
    return 89 + (300 * sentences - 10 * letters) / words


def readability(text: str | None, language: str, longest: int = 3) -> Readability | None:
    """Readability of a Markdown text in "en" or "it", or None when it has no words.

    `longest` is how many of the longest sentences to return for the editor to shorten.
    """
    language = _language(language)
    word_pattern = _WORD[language]
    measured = []
    for sentence in sentences(text):
        words = word_pattern.findall(sentence)
        if words:
            measured.append((sentence, words))
    if not measured:
        return None

    all_words = [word for _, words in measured for word in words]
    n_words, n_sentences = len(all_words), len(measured)
    if language == "en":
        syllables = sum(_syllables(part) for word in all_words for part in word.split("-"))
        measure, target, higher_is_easier = "Flesch-Kincaid grade", 8.0, False
        score = flesch_kincaid_grade(n_words, n_sentences, syllables)
    else:
        letters = sum(character.isalnum() for word in all_words for character in word)
        measure, target, higher_is_easier = "Gulpease", 60.0, True
        score = gulpease(n_words, n_sentences, letters)

    score = round(score, 1)  # the target is judged on the score the editor sees
    by_length = sorted(measured, key=lambda item: len(item[1]), reverse=True)  # stable: ties keep text order
    return Readability(
        measure=measure,
        score=score,
        target=target,
        higher_is_easier=higher_is_easier,
        target_met=score >= target if higher_is_easier else score <= target,
        words=n_words,
        sentences=n_sentences,
        longest_sentences=tuple(Sentence(sentence, len(words)) for sentence, words in by_length[:longest]),
    )


# --- Risky claims ----------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:()\[\]{}\"“”«»—–]|\s-\s")
_TOKEN = re.compile(r"[a-z0-9]+")


@functools.cache
def _stemmer(language):
    return snowballstemmer.stemmer(LANGUAGES[language])


@functools.lru_cache(maxsize=50_000)
def _stem(language, token):
    # Stemming is most of the checker's time, and a text keeps its words from one save to the next.
    return _stemmer(language).stemWord(token)


def _normalise(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return re.sub(r"n['’]t\b", " not", text)  # don't -> do not, so "not" works as a negation


def _stems(text, language):
    return tuple(_stem(language, token) for token in _TOKEN.findall(_normalise(text)))


@functools.cache
def _phrases(language):
    """{first stem: [(stems, phrase, category)]} and the negation stems, from the data file."""
    index, negations, section = {}, set(), None
    for number, line in enumerate(PHRASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            parts = line.strip("[]").split()
            if len(parts) != 2 or parts[0] not in LANGUAGES:
                raise ValueError(f"{PHRASES_FILE.name}:{number}: expected a heading like [en promise]")
            section = parts
            continue
        if section is None:
            raise ValueError(f"{PHRASES_FILE.name}:{number}: phrase before the first [language category] heading")
        if section[0] != language:
            continue
        stems = _stems(line, language)
        if section[1] == NEGATION:
            negations.update(stems)
        elif stems and not any(stems == known for known, _, _ in index.get(stems[0], ())):
            # The first of two phrases with the same stems wins ("miracoloso", "miracolo").
            index.setdefault(stems[0], []).append((stems, line, section[1]))
    return index, frozenset(negations)


def find_risky_claims(text: str | None, language: str) -> list[RiskyClaim]:
    """Risky phrases in a Markdown text, in text order, one per phrase and sentence."""
    language = _language(language)
    index, negations = _phrases(language)
    found = []
    for sentence in sentences(text):
        matches, offset = [], 0  # (start, end, phrase, category), in words from the start of the sentence
        for clause in _CLAUSE_BREAK.split(sentence):
            stems = _stems(clause, language)
            for position, stem in enumerate(stems):
                for phrase_stems, phrase, category in index.get(stem, ()):
                    end = position + len(phrase_stems)
                    if stems[position:end] != phrase_stems:
                        continue
                    if negations.intersection(stems[max(0, position - NEGATION_WINDOW):position]):
                        continue
                    matches.append((offset + position, offset + end, phrase, category))
            offset += len(stems)
        found.extend(_without_overlaps(matches, sentence))
    return list(dict.fromkeys(found))  # one claim per phrase and sentence, in text order


def _without_overlaps(matches, sentence):
    """Drop a match that lies inside a longer one: "permanent cure" also contains "cure"."""
    for start, end, phrase, category in sorted(matches):
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in matches):
            yield RiskyClaim(phrase, category, sentence)
