"""Recall and false alarms of the risky-claims checker on labelled sentences written the way editors write.

The sentences are in tests/data/claims/ (see its README). "dev" is what the rules were built against; "heldout" is
about other treatments in other words, written before the rules and kept aside. Targets (issue 16): recall at least
0.95 and false alarms at most 0.05, per language, on each set. The checker reads the rules staff keep in the database,
which migration 0010 starts with the shipped list: these figures are the shipped rules' as loaded there.
"""
from pathlib import Path

import pytest

from education.quality import find_risky_claims

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "claims"
RECALL_TARGET, FALSE_ALARM_TARGET = 0.95, 0.05


def labelled(name):
    rows = []
    for number, line in enumerate((CORPUS / f"{name}.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sentence = line.split("\t")
        assert label in {"claim", "ok"}, f"{name}.tsv:{number}"
        rows.append((label == "claim", sentence))
    return rows


def scores(name, language):
    rows = labelled(name)
    missed = [s for is_claim, s in rows if is_claim and not find_risky_claims(s, language)]
    alarms = [s for is_claim, s in rows if not is_claim and find_risky_claims(s, language)]
    claims = sum(is_claim for is_claim, _ in rows)
    return 1 - len(missed) / claims, len(alarms) / (len(rows) - claims), missed, alarms


@pytest.mark.parametrize("language", ["en", "it"])
def test_corpus_is_large_and_balanced(language):
    rows = labelled(f"dev_{language}") + labelled(f"heldout_{language}")
    claims = sum(is_claim for is_claim, _ in rows)
    assert len(rows) >= 150
    assert 0.4 <= claims / len(rows) <= 0.6
    assert len({sentence for _, sentence in rows}) == len(rows)  # no sentence counted twice


@pytest.mark.parametrize("kept", ["dev", "heldout"])
@pytest.mark.parametrize("language", ["en", "it"])
def test_recall_and_false_alarms_meet_the_targets(language, kept):
    recall, false_alarms, missed, alarms = scores(f"{kept}_{language}", language)
    print(f"{kept} {language}: recall {recall:.3f}, false alarms {false_alarms:.3f}")
    assert recall >= RECALL_TARGET, missed
    assert false_alarms <= FALSE_ALARM_TARGET, alarms


@pytest.mark.parametrize(
    "sentence, language, is_claim",
    [
        # The examples the issue gives of misses and of false alarms of the phrase-list checker.
        ("There is no risk of side effects.", "en", True),
        ("Clinically proven to clear acne.", "en", True),
        ("No pain and no side effects.", "en", True),
        ("Senza alcun effetto collaterale.", "it", True),
        ("Funziona su tutti.", "it", True),
        ("Risultati garantitti.", "it", True),
        ("Nobody can guarantee results.", "en", False),
        ("Be wary of clinics that promise guaranteed results.", "en", False),
        ("Niente è sicuro al 100%.", "it", False),
        ("Anche con la crema anestetica, non è del tutto indolore.", "it", False),
    ],
)
def test_the_issues_examples_are_in_the_corpus_and_judged_right(sentence, language, is_claim):
    assert (is_claim, sentence) in labelled(f"dev_{language}")
    assert bool(find_risky_claims(sentence, language)) is is_claim
