"""Readability scores and the risky-claims checker (education.quality): plain functions, no database."""
import re

import pytest

from education import quality
from education.quality import RiskyClaim, find_risky_claims, readability, sentences

# --- Readability: worked examples, counted by hand ---------------------------


def test_flesch_kincaid_worked_example():
    text = "We visit the hospital tomorrow. Bring a yellow umbrella."
    # we 1, visit 2, the 1, hospital 3, tomorrow 3 / bring 1, a 1, yellow 2, umbrella 3
    words, sentence_count, syllables = 9, 2, 17
    expected = 0.39 * words / sentence_count + 11.8 * syllables / words - 15.59  # 8.45...

    result = readability(text, "en")

    assert (result.words, result.sentences) == (words, sentence_count)
    assert result.score == round(expected, 1) == 8.5
    assert result.measure == "Flesch-Kincaid grade"
    assert result.target == 8
    assert not result.higher_is_easier
    assert not result.target_met


def test_flesch_kincaid_worked_example_in_markdown():
    text = (
        "## Before you come\n"
        "\n"
        "- Eat a light meal.\n"
        "- Bring your [list of pills](https://example.com/list).\n"
        "\n"
        "We will call you **the day before**."
    )
    # The heading and each list item are sentences; the link counts by its text only.
    # before 2, you 1, come 1 / eat, a, light, meal: 1 each / bring, your, list, of, pills: 1 each /
    # we, will, call, you, the, day: 1 each, before 2
    words, sentence_count, syllables = 3 + 4 + 5 + 7, 4, 4 + 4 + 5 + 8
    expected = 0.39 * words / sentence_count + 11.8 * syllables / words - 15.59  # -0.69...

    result = readability(text, "en")

    assert (result.words, result.sentences) == (words, sentence_count)
    assert result.score == round(expected, 1) == -0.7
    assert result.target_met


@pytest.mark.parametrize(
    "text, words, sentence_count, letters, score",
    [
        # il 2, gatto 5, dorme 5, sul 3, letto 5 / oggi 4, piove 5. textstat 0.7.13 says 87.6 here:
        # it drops the two-word sentence and counts the full stops as letters.
        ("Il gatto dorme sul letto. Oggi piove.", 7, 2, 29, 133.3),
        # l 1, acqua 5, è 1, più 3, fredda 6: an elision is two words and accented letters are letters.
        ("L'acqua è più fredda.", 5, 1, 16, 117.0),
        # la 2, paziente 8, deve 4, evitare 7, il 2, sole 4, per 3, almeno 6, due 3, settimane 9,
        # dopo 4, il 2, trattamento 11
        ("La paziente deve evitare il sole per almeno due settimane dopo il trattamento.", 13, 1, 65, 62.1),
    ],
)
def test_gulpease_worked_examples(text, words, sentence_count, letters, score):
    expected = 89 + (300 * sentence_count - 10 * letters) / words

    result = readability(text, "it")

    assert (result.words, result.sentences) == (words, sentence_count)
    assert result.score == round(expected, 1) == score
    assert result.measure == "Gulpease"
    assert result.target == 60
    assert result.higher_is_easier
    assert result.target_met


def test_formulas():
    assert quality.flesch_kincaid_grade(words=100, sentences=5, syllables=150) == pytest.approx(9.91)
    assert quality.gulpease(words=100, sentences=5, letters=500) == pytest.approx(54)


@pytest.mark.parametrize(
    "word, syllables",
    [
        ("cat", 1), ("make", 1), ("asked", 1), ("about", 2), ("any", 2), ("very", 2), ("body", 2),
        ("table", 2), ("changes", 2), ("wanted", 2), ("safely", 2), ("hospital", 3), ("every", 3),
        ("injection", 3), ("appointment", 3), ("temporary", 4), ("dermatologist", 5), ("immediately", 5),
    ],
)
def test_english_syllables(word, syllables):
    assert quality._syllables(word) == syllables


# --- Readability: easy and hard texts ------------------------------------------

EASY_EN = """
# After your peel

Your skin will be red for a few days. This is normal.

- Wash your face with cool water.
- Pat it dry. Do not rub.
- Use sun cream every day.

Call us if your skin hurts a lot.
"""

HARD_EN = """
Following the administration of botulinum toxin, patients should anticipate that temporary
erythema, localised oedema and occasional ecchymosis at the injection sites may materialise,
particularly in individuals concurrently receiving anticoagulant medication, and should
consequently refrain from strenuous physical activity, horizontal positioning and manipulation
of the treated musculature during the immediately subsequent interval.
"""

EASY_IT = """
# Dopo il peeling

La pelle sarà rossa per qualche giorno. È normale.

- Lava il viso con acqua fresca.
- Asciuga senza strofinare.
- Usa la crema solare ogni giorno.

Chiamaci se la pelle fa molto male.
"""

HARD_IT = """
Successivamente alla somministrazione della tossina botulinica, i pazienti dovrebbero considerare
l'eventualità che eritema transitorio, edema localizzato ed occasionali ecchimosi in corrispondenza
dei siti d'iniezione possano manifestarsi, particolarmente negli individui sottoposti a terapia
anticoagulante concomitante, astenendosi conseguentemente da attività fisica particolarmente
impegnativa e dalla manipolazione della muscolatura trattata nell'intervallo immediatamente successivo.
"""


@pytest.mark.parametrize(
    "text, language, met",
    [(EASY_EN, "en", True), (HARD_EN, "en", False), (EASY_IT, "it", True), (HARD_IT, "it", False)],
)
def test_easy_and_hard_texts(text, language, met):
    assert readability(text, language).target_met is met


def test_hard_texts_are_far_from_target():
    assert readability(HARD_EN, "en").score > 20
    assert readability(HARD_IT, "it").score < 40


def test_longest_sentences_come_first_with_their_word_counts():
    result = readability(EASY_EN, "en", longest=2)

    assert [tuple(sentence) for sentence in result.longest_sentences] == [
        ("Your skin will be red for a few days.", 9),
        ("Call us if your skin hurts a lot.", 8),
    ]
    assert len(readability(EASY_EN, "en").longest_sentences) == 3


@pytest.mark.parametrize("text", ["", None, "   \n\n", "---\n", "![a photo](photo.jpg)", "## \n"])
@pytest.mark.parametrize("language", ["en", "it"])
def test_text_without_words_has_no_score(text, language):
    assert readability(text, language) is None


def test_language_codes_with_a_region_are_accepted_and_others_refused():
    assert readability("Oggi piove.", "it-IT").measure == "Gulpease"
    assert readability("It rains.", "en_GB").measure == "Flesch-Kincaid grade"
    with pytest.raises(ValueError):
        readability("Es regnet.", "de")
    with pytest.raises(ValueError):
        find_risky_claims("Es regnet.", "de")


def test_markdown_is_read_as_prose():
    text = (
        "# Aftercare\n"
        "\n"
        "Keep the area **clean** and _dry_ for\n"
        "two days. See [our guide](https://example.com/guide \"Guide\") or https://example.com.\n"
        "\n"
        "1. Take the pills.\n"
        "2. Rest\n"
        "\n"
        "> Ask Dr. Rossi, e.g. Monday or Tuesday.\n"
        "\n"
        "| When | What |\n"
        "|------|:----:|\n"
        "| Day 1 | Ice |\n"
        "\n"
        "```\n"
        "not prose\n"
        "```\n"
        "***\n"
        "Setext heading\n"
        "==============\n"
        "Costs 2.5 euros. 3 visits.\n"
    )
    assert list(sentences(text)) == [
        "Aftercare",
        "Keep the area clean and dry for two days.",
        "See our guide or",
        "Take the pills.",
        "Rest",
        "Ask Dr. Rossi, e.g. Monday or Tuesday.",
        "When", "What", "Day 1", "Ice",
        "Setext heading",
        "Costs 2.5 euros.",
        "3 visits.",
    ]


# --- Risky claims -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, phrase, category",
    [
        ("The treatment is widely used and using Botox presents no side effects.",
         "no side effects", "absolute-safety"),
        ("Moreover, this new solution proves to be far more effective than any other drug or treatment alternative.",
         "more effective than any other", "superiority"),
        ("In time, the Botox treatment is sure to become the most effective solution.",
         "the most effective", "superiority"),
    ],
)
def test_english_seed_sentences_are_flagged(sentence, phrase, category):
    text = f"Botox is a purified protein.\n\n{sentence} Ask us about it."

    assert find_risky_claims(text, "en") == [RiskyClaim(phrase, category, sentence)]


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("No side-effect at all.", "no side effects"),
        ("NO SIDE EFFECTS.", "no side effects"),
        ("There are no known side effects.", "no known side effects"),
        ("Our clinic guarantees it.", "guaranteed"),
        ("Guaranteed!", "guaranteed"),
        ("We guarantee results.", "guarantee results"),
        ("It is Risk-Free.", "risk-free"),
        ("It is risk free.", "risk-free"),
        ("It is 100% safe.", "100% safe"),
        ("Completely safe for you.", "completely safe"),
        ("The cream cures acne.", "cure"),
        ("A miraculous cream.", "miraculous"),
        ("Miracles happen.", "miracle"),
        ("The injection is painless.", "painless"),
        ("This is the best treatment for wrinkles.", "best treatment"),
        ("No pain, guaranteed results.", "guarantee results"),  # the negation is in another clause
    ],
)
def test_english_word_forms_and_case(text, phrase):
    assert [claim.phrase for claim in find_risky_claims(text, "en")] == [phrase]


@pytest.mark.parametrize(
    "text, phrase, category",
    [
        ("Risultati garantiti.", "risultati garantiti", "promise"),
        ("La qualità è garantita.", "garantito", "promise"),
        ("Una crema miracolosa.", "miracoloso", "promise"),
        ("Senza Rischio per la pelle.", "senza rischi", "absolute-safety"),
        ("È PIU EFFICACE DI QUALSIASI altro farmaco.", "più efficace di qualsiasi", "superiority"),
        ("È più efficace di qualsiasi altro farmaco.", "più efficace di qualsiasi", "superiority"),
        ("Il trattamento è completamente sicuro.", "completamente sicuro", "absolute-safety"),
        ("Una terapia completamente sicura.", "completamente sicuro", "absolute-safety"),
        ("È sicura al 100%.", "sicuro al 100%", "absolute-safety"),
        ("Nessun effetto collaterale.", "nessun effetto collaterale", "absolute-safety"),
        ("Senza effetti collaterali.", "senza effetti collaterali", "absolute-safety"),
        ("Le creme sono innocue.", "innocuo", "absolute-safety"),
        ("È una cura definitiva.", "cura definitiva", "promise"),
        ("Risultati immediati!", "risultati immediati", "promise"),
        ("Il trattamento è indolore.", "indolore", "promise"),
        ("È il trattamento migliore.", "il trattamento migliore", "superiority"),
        ("L’unico trattamento che funziona.", "l'unico trattamento", "superiority"),
    ],
)
def test_italian_word_forms_case_and_accents(text, phrase, category):
    assert find_risky_claims(text, "it") == [RiskyClaim(phrase, category, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Like any treatment, it has side effects.",
        "Side effects are usually mild.",
        "There is no cure for acne, but it can be controlled.",
        "Results are not guaranteed.",
        "We can't guarantee results.",
        "No treatment is completely safe.",
        "There is no risk-free treatment.",
        "This is not a miracle cream.",
        "The procedure is safe for most people, but bruising is common.",
        "Sunscreen reduces the risk of burns and makes the best of your results.",
    ],
)
def test_careful_english_text_is_not_flagged(text):
    assert find_risky_claims(text, "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "Come ogni trattamento, ha effetti collaterali.",
        "Gli effetti collaterali sono di solito lievi.",
        "I risultati non sono garantiti.",
        "Nessun trattamento è completamente sicuro.",
        "Il trattamento non è indolore, ma il fastidio dura poco.",
        "La cura della pelle dopo il trattamento è importante.",
        "Non esiste una cura definitiva per l'acne.",
    ],
)
def test_careful_italian_text_is_not_flagged(text):
    assert find_risky_claims(text, "it") == []


def test_a_phrase_is_reported_once_per_sentence_and_again_in_another_sentence():
    text = "Guaranteed, guaranteed, guaranteed! It is painless and guaranteed."

    assert find_risky_claims(text, "en") == [
        RiskyClaim("guaranteed", "promise", "Guaranteed, guaranteed, guaranteed!"),
        RiskyClaim("painless", "promise", "It is painless and guaranteed."),
        RiskyClaim("guaranteed", "promise", "It is painless and guaranteed."),
    ]


def test_a_longer_phrase_hides_the_shorter_one_inside_it():
    assert [claim.phrase for claim in find_risky_claims("A permanent cure.", "en")] == ["permanent cure"]
    assert [claim.phrase for claim in find_risky_claims("Risultati garantiti.", "it")] == ["risultati garantiti"]


def test_sentence_is_returned_as_written_without_markdown():
    text = "## Why choose us\n\n- **Painless** and [guaranteed](https://example.com) results, in one visit."

    assert find_risky_claims(text, "en") == [
        RiskyClaim("painless", "promise", "Painless and guaranteed results, in one visit."),
        RiskyClaim("guarantee results", "promise", "Painless and guaranteed results, in one visit."),
    ]


def test_phrases_of_one_language_do_not_match_in_the_other():
    assert find_risky_claims("Risultati garantiti.", "en") == []
    assert find_risky_claims("No side effects.", "it") == []


def test_empty_text_has_no_claims():
    assert find_risky_claims("", "en") == []
    assert find_risky_claims(None, "it") == []


def _data_file_phrases():
    phrases, section = [], None
    for line in quality.PHRASES_FILE.read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"\[(\w+) ([\w-]+)\]", line.strip()):
            section = heading.groups()
        elif line.strip() and not line.startswith("#") and section[1] != quality.NEGATION:
            phrases.append((section[0], section[1], line.strip()))
    return phrases


def test_data_file_has_the_required_phrases():
    phrases = {(language, phrase) for language, _, phrase in _data_file_phrases()}
    required = {
        "en": ["no side effects", "completely safe", "risk-free", "100% safe", "totally safe", "harmless",
               "guaranteed", "guarantee results", "permanent cure", "cure", "miracle", "miraculous",
               "instant results", "painless", "more effective than any other", "the most effective",
               "best treatment"],
        "it": ["nessun effetto collaterale", "senza effetti collaterali", "senza rischi", "sicuro al 100%",
               "completamente sicuro", "innocuo", "garantito", "risultati garantiti", "cura definitiva",
               "miracoloso", "risultati immediati", "indolore", "più efficace di qualsiasi",
               "il trattamento migliore"],
    }
    for language, listed in required.items():
        for phrase in listed:
            assert (language, phrase) in phrases


@pytest.mark.parametrize("language, category, phrase", _data_file_phrases())
def test_every_phrase_in_the_data_file_finds_itself(language, category, phrase):
    assert find_risky_claims(phrase, language) == [RiskyClaim(phrase, category, phrase)]
