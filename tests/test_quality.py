"""Readability scores and the risky-claims checker (education.quality); the checker reads the rules in the database."""

import pytest

from education import quality
from education.quality import find_risky_claims, readability, sentences

pytestmark = pytest.mark.django_db  # the claims checker reads the staff's rules

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
        # dopo 4, l 1, iniezione 9, puoi 4, tornare 7, al 2, lavoro 6 /
        # non 3, toccare 7, la 2, zona 4, per 3, quattro 7, ore 3: an elision is two words.
        ("Dopo l'iniezione puoi tornare al lavoro. Non toccare la zona per quattro ore.", 14, 2, 62, 87.6),
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


@pytest.mark.parametrize(
    "text, words, sentence_count, letters",
    [
        # il 2, gatto 5, dorme 5, sul 3, letto 5 / oggi 4, piove 5: 89 + (600 - 290) / 7 = 133.3 uncapped.
        ("Il gatto dorme sul letto. Oggi piove.", 7, 2, 29),
        # l 1, acqua 5, è 1, più 3, fredda 6: accented letters are letters; 89 + (300 - 160) / 5 = 117 uncapped.
        ("L'acqua è più fredda.", 5, 1, 16),
    ],
)
def test_gulpease_is_capped_at_100_as_the_scale_defines(text, words, sentence_count, letters):
    assert 89 + (300 * sentence_count - 10 * letters) / words > 100

    result = readability(text, "it")

    assert (result.words, result.sentences) == (words, sentence_count)
    assert result.score == 100


def test_flesch_kincaid_on_a_hand_counted_text_with_hard_words():
    text = (
        "The idea is simple. A bacterium makes the toxin. Myasthenia is a rare muscle disease. "
        "We treat the area of your forehead. This page is a placeholder."
    )
    # the 1, idea 3, is 1, simple 2 / a 1, bacterium 4, makes 1, the 1, toxin 2 /
    # myasthenia 5, is 1, a 1, rare 1, muscle 2, disease 2 / we 1, treat 1, the 1, area 3, of 1, your 1,
    # forehead 2 / this 1, page 1, is 1, a 1, placeholder 3
    words, sentence_count, syllables = 27, 5, 7 + 9 + 12 + 10 + 7
    expected = 0.39 * words / sentence_count + 11.8 * syllables / words - 15.59  # 6.18...

    result = readability(text, "en")

    assert (result.words, result.sentences) == (words, sentence_count)
    assert result.score == round(expected, 1) == 6.2


def test_formulas():
    assert quality.flesch_kincaid_grade(words=100, sentences=5, syllables=150) == pytest.approx(9.91)
    assert quality.gulpease(words=100, sentences=5, letters=500) == pytest.approx(54)
    assert quality.gulpease(words=2, sentences=1, letters=9) == 100


@pytest.mark.parametrize(
    "word, syllables",
    [
        ("cat", 1), ("make", 1), ("asked", 1), ("about", 2), ("any", 2), ("very", 2), ("body", 2),
        ("table", 2), ("changes", 2), ("wanted", 2), ("safely", 2), ("hospital", 3), ("every", 3),
        ("injection", 3), ("appointment", 3), ("temporary", 4), ("dermatologist", 5), ("immediately", 5),
        # Counted short or long by spelling; the pronouncing dictionary, or two words it knows, count them right.
        ("idea", 3), ("area", 3), ("forehead", 2), ("placeholder", 3), ("disease", 2),
        # Not in the dictionary: the spelling rule hears the two vowels apart.
        ("bacterium", 4), ("myasthenia", 5), ("clostridium", 4), ("botulinum", 4),
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


def test_plain_language_warnings():
    long_sentence = " ".join(["word"] * 26) + "."
    paragraph = " ".join(f"Sentence number {n} is short." for n in range(6))
    text = f"{long_sentence}\n\n{paragraph}\n\nThe toxin is injected into the skin. We numb the skin first."

    warnings = readability(text, "en").warnings

    assert ("long-sentence", long_sentence) in warnings
    assert ("long-paragraph", "Sentence number 0 is short.") in warnings
    assert ("passive", "The toxin is injected into the skin.") in warnings
    assert not any(sentence == "We numb the skin first." for _, sentence in warnings)
    assert not any(kind == "long-sentence" for kind, _ in readability(" ".join(["word"] * 25) + ".", "en").warnings)
    assert not any(kind == "passive" for kind, _ in readability("I am tired. You are worried.", "en").warnings)
    # Passive voice is checked in English only; length in both languages.
    italian = readability("La tossina è iniettata nella pelle. " + " ".join(["parola"] * 26) + ".", "it").warnings
    assert [kind for kind, _ in italian] == ["long-sentence"]


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
# The labelled corpus and its recall and false-alarm figures are in test_claims_corpus.py; these tests pin down one
# class of problem each.


def phrases(text, language):
    return [claim.phrase for claim in find_risky_claims(text, language)]


@pytest.mark.parametrize(
    "sentence, phrase, category",
    [
        ("The treatment is widely used and using Botox presents no side effects.",
         "no side effects", "absolute-safety"),
        ("Moreover, this new solution proves to be far more effective than any other drug or treatment alternative.",
         "more effective than any other", "superiority"),
        ("In time, the Botox treatment is sure to become the most effective solution.",
         "most effective", "superiority"),
    ],
)
def test_english_seed_sentences_are_flagged_with_a_reason_and_a_safer_wording(sentence, phrase, category):
    text = f"Botox is a purified protein.\n\n{sentence} Ask us about it."

    [claim] = find_risky_claims(text, "en")

    assert (claim.phrase, claim.category, claim.sentence) == (phrase, category, sentence)
    assert claim.reason and claim.suggestion and claim.rule


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("No side-effect at all.", "No side-effect"),
        ("NO SIDE EFFECTS.", "NO SIDE EFFECTS"),
        ("Our clinic guarantees it.", "guarantees"),
        ("It is Risk-Free.", "Risk-Free"),
        ("It is risk free.", "risk free"),
        ("It is 100% safe.", "100% safe"),
        ("The cream cures acne.", "cures"),
        ("A miraculous cream.", "miraculous"),
        ("This is the best treatment for wrinkles.", "best treatment"),
    ],
)
def test_english_word_forms_and_case(text, phrase):
    assert phrases(text, "en") == [phrase]


@pytest.mark.parametrize(
    "text, language, phrase",
    [
        # Words may stand inside a phrase.
        ("There are no known side effects.", "en", "no known side effects"),
        ("There is no real risk of any complication.", "en", "no real risk"),
        ("Senza alcun effetto collaterale.", "it", "Senza alcun effetto collaterale"),
        ("Non c'è il minimo rischio.", "it", "Non c'è il minimo rischio"),
        # Misspelt words still match.
        ("Guarenteed results.", "en", "Guarenteed"),
        ("Completly painless.", "en", "Completly painless"),
        ("Risultati garantitti.", "it", "garantitti"),
        ("Il trattamento è completamente indolre.", "it", "completamente indolre"),
    ],
)
def test_words_inside_a_phrase_and_typos(text, language, phrase):
    assert phrases(text, language) == [phrase]


@pytest.mark.parametrize(
    "text, language, found",
    [
        # A leading "no" makes its own claim and does not deny the next one.
        ("No pain and no side effects.", "en", ["No pain", "no side effects"]),
        ("No needles and no side effects.", "en", ["no side effects"]),
        ("Nessun dolore e nessun livido.", "it", ["Nessun dolore", "nessun livido"]),
        # Italian negative concord is one negation, so it is still a claim.
        ("Non c'è nessun rischio.", "it", ["Non c'è nessun rischio"]),
        ("Nessuno ha mai avuto complicazioni.", "it", ["mai avuto complicazioni"]),
        # A negation in another clause does not deny the claim.
        ("No pain, guaranteed results.", "en", ["No pain", "guaranteed"]),
        ("We do not use needles, but results are permanent.", "en", ["permanent"]),
        ("Non usiamo aghi, ma il risultato è garantito.", "it", ["garantito"]),
    ],
)
def test_claims_that_hide_behind_a_negation_are_found(text, language, found):
    assert phrases(text, language) == found


@pytest.mark.parametrize(
    "text, language",
    [
        # Negation anywhere before the claim in its clause, including pronouns and adverbs.
        ("Nobody can guarantee results.", "en"),
        ("Nothing in medicine is completely safe.", "en"),
        ("No treatment is, in our experience, completely safe.", "en"),
        ("We cannot honestly say that any injection is completely painless.", "en"),
        ("Even with numbing cream, injections are rarely painless.", "en"),
        ("Niente è sicuro al 100%.", "it"),
        ("Nulla in medicina è privo di rischi.", "it"),
        ("Nessuno può promettere risultati permanenti.", "it"),
        ("Anche con la crema anestetica, non è del tutto indolore.", "it"),
        ("Non funziona mai su tutti allo stesso modo.", "it"),
        ("Nessuno può dire che non ci sono rischi.", "it"),
        # Warnings about other people's claims are not ours.
        ("Be wary of clinics that promise guaranteed results.", "en"),
        ("Some websites say the injections are painless.", "en"),
        ("Diffida dei centri che promettono risultati garantiti.", "it"),
        ("Chi ti dice che è senza rischi non ti dice tutto.", "it"),
        # Questions ask, conditions suppose.
        ("Is it completely safe?", "en"),
        ("If you have no redness after a day, you can wear make-up.", "en"),
        ("Se hai mai avuto una reazione allergica, diccelo.", "it"),
        # "not only" is not a negation, but here nothing is claimed anyway; "permanenza" is not "permanente".
        ("La permanenza del filler varia da persona a persona.", "it"),
    ],
)
def test_denied_reported_and_hypothetical_claims_are_not_flagged(text, language):
    assert find_risky_claims(text, language) == []


def test_not_only_is_not_a_negation():
    assert phrases("Not only fast but completely safe.", "en") == ["completely safe"]
    assert phrases("Non solo rapido, ma anche completamente sicuro.", "it") == ["completamente sicuro"]


def test_a_question_answered_no_is_a_claim():
    [claim] = find_risky_claims("Effetti collaterali? Nessuno.", "it")
    assert claim.sentence == "Effetti collaterali? Nessuno." and claim.category == "absolute-safety"
    [claim] = find_risky_claims("Downtime? None.", "en")
    assert claim.sentence == "Downtime? None."


@pytest.mark.parametrize(
    "text, language",
    [
        ("Like any treatment, it has side effects.", "en"),
        ("There is no cure for acne, but it can be controlled.", "en"),
        ("There is no risk-free treatment.", "en"),
        ("The best way to prepare is to come without make-up.", "en"),
        ("Dryness is the most common side effect.", "en"),
        ("Rarely, a burn leaves a permanent scar.", "en"),
        ("La cura della pelle dopo il trattamento è importante.", "it"),
        ("Il modo migliore per prepararsi è venire senza trucco.", "it"),
        ("La secchezza è l'effetto collaterale più comune.", "it"),
        ("Non serve sospendere la tua solita cura della pelle.", "it"),
    ],
)
def test_careful_text_with_the_same_words_is_not_flagged(text, language):
    assert find_risky_claims(text, language) == []


def test_a_phrase_is_reported_once_per_sentence_and_again_in_another_sentence():
    text = "Guaranteed, guaranteed, guaranteed! It is painless and guaranteed."

    assert [(c.phrase, c.sentence) for c in find_risky_claims(text, "en")] == [
        ("Guaranteed", "Guaranteed, guaranteed, guaranteed!"),
        ("painless", "It is painless and guaranteed."),
        ("guaranteed", "It is painless and guaranteed."),
    ]


def test_a_longer_claim_hides_the_shorter_one_inside_it():
    assert phrases("It is completely safe.", "en") == ["completely safe"]
    assert phrases("Il Botox è completamente sicuro.", "it") == ["completamente sicuro"]


def test_sentence_is_returned_as_written_without_markdown():
    text = "## Why choose us\n\n- **Painless** and [guaranteed](https://example.com) results, in one visit."

    assert [(c.phrase, c.sentence) for c in find_risky_claims(text, "en")] == [
        ("Painless", "Painless and guaranteed results, in one visit."),
        ("guaranteed", "Painless and guaranteed results, in one visit."),
    ]


def test_rules_of_one_language_do_not_match_in_the_other():
    assert find_risky_claims("Risultati garantiti.", "en") == []
    assert find_risky_claims("No side effects.", "it") == []


def test_empty_text_has_no_claims():
    assert find_risky_claims("", "en") == []
    assert find_risky_claims(None, "it") == []


@pytest.mark.parametrize("language", ["en", "it"])
def test_every_shipped_rule_has_a_reason_and_a_safer_wording(language):
    rules = quality.shipped_rules(language)
    assert len(rules) > 40
    for category, pattern, reason, suggestion in rules:
        assert category and reason and suggestion, pattern


def test_a_broken_rules_file_names_the_line(tmp_path, monkeypatch):
    rules = tmp_path / "rules.txt"
    rules.write_text("no side effects\n", encoding="utf-8")
    monkeypatch.setattr(quality, "PHRASES_FILE", rules)
    quality._shipped.cache_clear()
    try:
        with pytest.raises(ValueError, match="rules.txt:1"):
            quality.shipped_rules("en")
    finally:
        quality._shipped.cache_clear()


# --- Content accessibility (quality.accessibility; shared by the save and the checks while typing) --------------

def test_accessibility_names_each_kind_of_problem_in_text_order():
    text = (
        "# Title again\n\n## About\n\n#### Too deep\n\n"
        "See [](https://a.example), [Read more](https://b.example) and [the aftercare sheet](https://c.example).\n\n"
        "![](https://a.example/x.png) <img src=y.png> <img alt=\"A scar\" src=z.png>\n\n"
        "DO NOT scratch. IMPORTANT: use SPF 50 and UV filters.\n\n"
        "Old page: http://old.example and <http://older.example>; new: https://new.example\n\n"
        "```\n# code, not a heading\n```\n"
    )
    assert [tuple(finding) for finding in quality.accessibility(text, "en")] == [
        ("heading-level-1", "Title again"),
        ("heading-skip", "Too deep"),
        ("empty-link", "https://a.example"),
        ("vague-link", "Read more"),
        ("image-alt", "https://a.example/x.png"),
        ("image-alt", "<img src=y.png>"),
        ("capitals", "DO NOT"),
        ("capitals", "IMPORTANT"),
        ("insecure-link", "http://old.example"),
        ("insecure-link", "http://older.example"),
    ]


def test_accessibility_vague_link_texts_are_per_language():
    findings = quality.accessibility("Clicca [qui](https://a.it), [leggi di più](https://b.it).", "it")
    assert [f.kind for f in findings] == ["vague-link", "vague-link"]
    assert quality.accessibility("Clicca [qui](https://a.it).", "en") == []
    assert quality.accessibility("## Cura\n\n### Dopo\n\n[Come lavare il viso](https://a.it)", "it") == []


def test_demo_content_has_no_accessibility_finding():
    import json
    from pathlib import Path

    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES]
    found = []
    for row in json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo.json").read_text(encoding="utf-8")):
        for name, value in row["fields"].items():
            language = name.rsplit("_", 1)[-1]
            if row["model"].startswith("education.") and language in codes and isinstance(value, str):
                found += [(row["model"], row.get("pk"), name, f) for f in quality.accessibility(value, language)]
    assert found == []
