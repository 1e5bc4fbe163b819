"""Medical words the clinic's glossary does not define: a plain-language warning (never a block), per language."""
import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from education.models import FAQ, Article, Page, ProcedureNote
from education.quality import glossary_words, medical_words, readability
from glossary.models import Term

from .factories import make_article, make_clinician, make_staff

NOTHING = frozenset()


@pytest.mark.parametrize(
    "text, language, expected",
    [
        # Listed terms, affixes, any form; everyday words (wordfreq) and names are left alone.
        ("Sebum is oil. Your sebaceous glands make it.", "en", ["Sebum", "sebaceous", "glands"]),
        ("Isotretinoin can cause dermatitis and blepharitis.", "en", ["Isotretinoin", "dermatitis", "blepharitis"]),
        ("Acne is common. An injection in the kitchen is an infection risk.", "en", []),
        ("Ask Dr. Rossi about Botox and the AIFA leaflet, 2 weeks before.", "en", []),
        ("Il sebo è l'olio della pelle. Le ghiandole sebacee lo producono.", "it", ["sebo", "ghiandole", "sebacee"]),
        ("La dermatite e la gastrite sono fastidiose.", "it", ["dermatite", "gastrite"]),
        ("L'acne è comune. In cucina un'allergia è un rischio.", "it", []),
    ],
)
def test_medical_words_are_found_and_everyday_words_are_not(text, language, expected):
    assert medical_words(text, language) == expected


def test_each_word_is_named_once_whatever_its_form():
    assert medical_words("Sebaceous glands. A sebaceous gland. Glands!", "en") == ["Sebaceous", "glands"]


@pytest.mark.parametrize(
    "forms, text, language, expected",
    [
        (["sebaceous gland", "sebaceous glands"], "Sebaceous glands make sebum. Each gland is small.", "en", ["sebum"]),
        (["dermatologist"], "Our dermatologists see you.", "en", []),
        (["ghiandola sebacea"], "Le ghiandole sebacee fanno il sebo.", "it", ["sebo"]),
        (["dermatologo"], "I dermatologi ti visitano.", "it", []),
    ],
)
def test_a_word_the_glossary_defines_in_any_form_is_not_named(forms, text, language, expected):
    assert medical_words(text, language, glossary_words(forms, language)) == expected


def test_readability_warns_only_when_it_is_given_the_glossary():
    assert readability("Sebum is oil.", "en").warnings == ()
    result = readability("Sebum is oil.", "en", glossary=NOTHING)
    assert result.warnings == (("medical-word", "Sebum"),)
    assert result.target_met  # a warning, never a change to the score or a block


@pytest.fixture
def sebum_in_english_only(db):
    return Term.objects.create(
        term_en="sebum", definition_en="The oil your skin makes.", slug="sebum",
        reviewed_by=make_clinician(), last_reviewed=datetime.date(2026, 11, 1),
    )


@pytest.mark.django_db
def test_change_form_names_undefined_medical_words_per_language(client, sebum_in_english_only):
    # The term is defined in English only: the Italian text's "sebo" is not defined for Italian readers.
    article = make_article(body_en="Your skin makes sebum. Isotretinoin dries it.", body_it="La pelle fa il sebo.")
    client.force_login(make_staff("rita", "Clinical reviewers"))
    page = BeautifulSoup(client.get(reverse("admin:education_article_change", args=[article.pk])).text, "html.parser")
    english = page.select_one("#id_checks_en").get_text(" ", strip=True)
    italian = page.select_one("#id_checks_it").get_text(" ", strip=True)
    assert "Medical word the glossary does not define: Isotretinoin" in english
    assert "does not define: sebum" not in english
    assert "Medical word the glossary does not define: sebo" in italian


@pytest.mark.django_db
def test_the_warning_reads_in_italian(client):
    article = make_article(body_it="La pelle fa il sebo.")
    client.force_login(make_staff("rita", "Clinical reviewers"))
    url = reverse("admin:education_article_change", args=[article.pk])
    page = BeautifulSoup(client.get(url, HTTP_ACCEPT_LANGUAGE="it").text, "html.parser")
    assert "Parola medica che il glossario non definisce: sebo" in page.select_one("#id_checks_it").get_text(" ")


@pytest.mark.django_db
def test_an_unreviewed_term_does_not_count_as_defined():
    Term.objects.create(term_en="sebum", definition_en="The oil your skin makes.", slug="sebum")
    article = make_article(body_en="Your skin makes sebum.")
    assert ["medical-word", "sebum"] in article.quality["en"]["readability"]["warnings"]


@pytest.mark.django_db
def test_a_term_added_to_the_glossary_stops_the_warning_on_the_next_save(sebum_in_english_only):
    article = make_article(body_en="Your skin makes sebum. Isotretinoin dries it.")
    assert [w for w in article.quality["en"]["readability"]["warnings"] if w[0] == "medical-word"] == [
        ["medical-word", "Isotretinoin"]
    ]
    Term.objects.create(
        term_en="isotretinoin", definition_en="A strong acne medicine.", slug="isotretinoin",
        reviewed_by=sebum_in_english_only.reviewed_by, last_reviewed=datetime.date(2026, 11, 1),
    )
    article.save()
    assert not [w for w in article.quality["en"]["readability"]["warnings"] if w[0] == "medical-word"]


# The demo's medical words its glossary does not define (warnings an editor of the demo sees).
DEMO_UNDEFINED = {
    "en": {"adapalene"},
    "it": {"adapalene", "anestetica", "antibiotiche", "batterio", "recettori"},
}


@pytest.mark.django_db
def test_demo_content_raises_no_warning_for_a_word_its_glossary_defines():
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)
    for code, _name in settings.LANGUAGES:
        defined = glossary_words(
            (form for term in Term.objects.in_language(code) for form in term.word_forms(code)), code
        )
        named, without_glossary = set(), set()
        for model in (Article, ProcedureNote, FAQ, Page):
            for item in model.objects.all():
                item.save()
                report = item.quality[code]["readability"]
                named |= {word.casefold() for kind, word in report["warnings"] if kind == "medical-word"}
                text = "\n\n".join(getattr(item, f"{f}_{code}") or "" for f in item.readability_fields)
                without_glossary |= {word.casefold() for word in medical_words(text, code)}
        assert not named & defined, code
        assert named == DEMO_UNDEFINED[code], code
        # The glossary is what silences the rest: without it, its words are named too.
        assert len(without_glossary & defined) >= 10, code
