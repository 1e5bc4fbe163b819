"""Search as patients use it (issue 21): word forms by lemma, synonyms, spelling suggestions, the other language,
ranking by what a page is about, and snippets that keep headings apart from text."""
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from education.cache import LISTS, bump
from education.models import Status
from search import engine as search
from search.models import Synonym

from .factories import make_article, make_faq, make_procedure, make_topic

pytestmark = pytest.mark.django_db


def titles(query, language="en"):
    return [hit.title for hit in search.search(query, language).page]


def results_page(client, query, language="en"):
    path = "/en/search/" if language == "en" else "/it/cerca/"
    response = client.get(path, {"q": query})
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def italian_sun_library():
    """Texts where Snowball's Italian stem "sol" joins the sun to "solito", "solo", "soli" and "sole"."""
    make_article(title_it="Proteggersi dal sole", body_it="Usa una crema solare ogni giorno, anche d'inverno.")
    make_article(title_it="Routine della sera", body_it="Di solito basta un detergente delicato.")
    make_article(title_it="Un solo prodotto", body_it="Spesso un solo prodotto è sufficiente.")
    make_article(title_it="Da soli", body_it="Non spremere i brufoli da soli.")


@pytest.mark.parametrize("query", ["solare", "solari", "creme solari", "crema solare"])
def test_italian_sunscreen_forms_find_the_sunscreen_text_only(italian_sun_library, query):
    assert titles(query, "it") == ["Proteggersi dal sole"]


def test_the_lemma_joins_plural_and_singular_where_the_stem_would_not():
    make_article(title_it="Le cicatrici dell'acne", body_it="Le cicatrici migliorano con il laser.")
    make_article(title_it="Capelli che cadono", body_it="I capelli si diradano.")
    assert titles("cicatrice", "it") == ["Le cicatrici dell'acne"]
    assert titles("capello", "it") == ["Capelli che cadono"]


def test_the_exact_word_ranks_above_another_form_of_it():
    # Same title weight; the body decides: the word as typed beats another form of it.
    make_article(title_it="Sera", body_it="Una cicatrice.")
    make_article(title_it="Mattino", body_it="Due cicatrici.")
    make_article(title_it="Pomeriggio", body_it="Una cicatrice piccola.")
    assert titles("cicatrici", "it")[0] == "Mattino"
    assert set(titles("cicatrici", "it")) == {"Mattino", "Sera", "Pomeriggio"}
    make_article(title_en="Night", body_en="Apply the lotions at night.")
    make_article(title_en="Night care", body_en="Apply the lotion at night.")
    assert titles("lotions")[:1] == ["Night"]


def test_the_stem_is_a_fallback_when_forms_find_nothing():
    # simplemma does not know "dermabrasions"; the stem still joins it to "dermabrasion".
    make_article(title_en="Skin smoothing", body_en="Dermabrasion removes the top layer of skin.")
    make_article(title_en="Other", body_en="Nothing about it.")
    assert titles("dermabrasions") == ["Skin smoothing"]


@pytest.mark.parametrize(
    ("language", "query", "title"),
    [
        ("en", "botox", "Botulinum toxin for acne"),
        ("en", "zits", "Acne spots and blemishes"),
        ("en", "pimples", "Acne spots and blemishes"),
        ("it", "botox", "Tossina botulinica per l'acne"),
        ("it", "foruncoli", "Brufoli e pelle grassa"),
    ],
)
def test_shipped_synonyms_find_brand_and_everyday_names(language, query, title):
    call_command("load_search_synonyms", verbosity=0)
    make_article(title_en="Botulinum toxin for acne", title_it="Tossina botulinica per l'acne")
    make_article(title_en="Acne spots and blemishes", title_it="Brufoli e pelle grassa")
    make_article(title_en="Hair loss", title_it="Caduta dei capelli")
    assert titles(query, language) == [title]


def test_shipped_synonyms_load_once_and_a_dry_run_adds_nothing(capsys):
    call_command("load_search_synonyms", "--dry-run")
    assert Synonym.objects.count() == 0
    assert capsys.readouterr().out.startswith("Would add ")
    call_command("load_search_synonyms")
    loaded = Synonym.objects.count()
    assert loaded >= 40 and Synonym.objects.filter(language="it", terms__contains="tossina botulinica").exists()
    assert f"Added {loaded} synonym groups" in capsys.readouterr().out
    Synonym.objects.filter(terms__startswith="botox").delete()
    call_command("load_search_synonyms", verbosity=0)
    assert Synonym.objects.count() == loaded
    call_command("load_search_synonyms")
    assert "Added 0 synonym groups (en 0, it 0)." in capsys.readouterr().out


def test_synonyms_are_kept_per_language_and_follow_edits_at_once():
    make_article(title_en="Vitiligo", title_it="Vitiligine", body_en="Pale patches.", body_it="Chiazze chiare.")
    assert titles("leucoderma") == []
    synonym = Synonym.objects.create(language="en", terms="vitiligo, leucoderma")
    assert titles("leucoderma") == ["Vitiligo"]
    assert titles("leucoderma", "it") == []
    synonym.delete()
    assert titles("leucoderma") == []


def test_synonym_form_refuses_a_single_term():
    with pytest.raises(ValidationError) as error:
        Synonym(language="en", terms=" botox ,, ").full_clean()
    assert error.value.message_dict == {"terms": ["Give at least two terms, separated by commas."]}
    with translation.override("it"), pytest.raises(ValidationError) as error:
        Synonym(language="it", terms="botox").full_clean()
    with translation.override("it"):
        assert error.value.message_dict == {"terms": ["Indica almeno due termini, separati da virgole."]}


def test_synonyms_are_managed_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/search/synonym/add/", {"language": "en", "terms": "keloid,  raised scar ,keloid"}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(terms="keloid, raised scar").language == "en"
    assert "keloid, raised scar" in admin_client.get("/admin/search/synonym/").text


def test_a_misspelt_query_that_finds_nothing_shows_the_closest_published_words(client):
    make_article(title_it="Isotretinoina per l'acne grave", body_it="Si prende per bocca.")
    make_article(title_it="Altro")
    results = search.search("isotretinonia", "it")
    assert (results.corrected_from, results.query) == ("isotretinonia", "isotretinoina")
    assert [hit.title for hit in results.page] == ["Isotretinoina per l'acne grave"]
    page = results_page(client, "isotretinonia", "it")
    assert "Nessun risultato per “isotretinonia”" in page.select_one(".corrected").text
    assert [a.text for a in page.select(".results h2 a")] == ["Isotretinoina per l'acne grave"]


def test_a_misspelt_word_beside_a_right_one_is_suggested_with_a_link(client):
    make_article(title_en="Acne scars and lasers", body_en="Laser treatment for acne scars.")
    make_article(title_en="Acne basics", body_en="Spots.")
    results = search.search("acne scasr", "en")
    assert results.suggestion == "acne scars" and not results.matched_all
    page = results_page(client, "acne scasr")
    link = page.select_one(".suggestion a")
    assert link.text == "acne scars" and link["href"] == "/en/search/?q=acne+scars"
    assert "Did you mean" in page.select_one(".suggestion").text
    with translation.override("it"):
        make_article(title_it="Cicatrici da acne", body_it="Il laser aiuta.")
    page = results_page(client, "acne cicatrcii", "it")
    assert "Forse cercavi" in page.select_one(".suggestion").text


def test_a_word_only_a_draft_contains_is_never_suggested():
    make_article(title_en="Isotretinoin secret plan", status=Status.DRAFT)
    make_article(title_en="Acne basics")
    results = search.search("isotretinon", "en")
    assert results.count == 0
    assert results.suggestion == ""


def test_no_suggestion_when_the_query_found_its_pages():
    make_article(title_en="Acne basics")
    assert search.search("acne", "en").suggestion == ""


def test_nothing_here_but_pages_in_the_other_language_says_so(client):
    make_article(title_en="Sunscreen", title_it="Protezione", body_en="Sunscreen every day.", body_it="Ogni giorno.")
    make_article(title_en="Sunscreen for children", title_it="Bambini", body_it="Ogni giorno.")
    results = search.search("sunscreen", "it")
    assert results.count == 0
    assert [(other.language, other.count) for other in results.elsewhere] == [("en", 2)]
    page = results_page(client, "sunscreen", "it")
    hint = page.select_one(".elsewhere")
    assert "2 pagine in inglese corrispondono alla tua ricerca" in hint.text
    assert hint.a["href"] == "/en/search/?q=sunscreen" and hint.a["hreflang"] == "en"


def test_no_other_language_hint_when_this_language_matches():
    make_article(title_en="Sunscreen", title_it="Crema solare")
    assert search.search("sunscreen", "en").elsewhere == []


def test_a_treatment_ranks_above_a_question_that_mentions_it_in_passing():
    topic = make_topic()
    make_faq(topic=topic, question_en="Can I wear make-up after a chemical peel?", answer_en="Wait a day.")
    make_procedure(title_en="Chemical peel", summary_en="An acid solution removes the top layer of skin.")
    make_article(title_en="Caring for oily skin", body_en="A chemical peel is one option among many.")
    assert titles("chemical peel") == [
        "Chemical peel",
        "Can I wear make-up after a chemical peel?",
        "Caring for oily skin",
    ]


def test_a_question_asked_as_it_is_written_comes_first():
    topic = make_topic()
    make_procedure(title_en="Chemical peel", summary_en="Peel aftercare: make-up can wait a day.")
    make_faq(topic=topic, question_en="Can I wear make-up after a chemical peel?", answer_en="Wait a day.")
    assert titles("can I wear make-up after a chemical peel")[0] == "Can I wear make-up after a chemical peel?"


def test_a_title_with_the_whole_phrase_ranks_above_scattered_words():
    make_article(title_en="Scars from acne", body_en="Sun cream helps scars fade.")
    make_article(title_en="Sun cream", body_en="Use it every day.")
    make_article(title_en="Cream for the sun-damaged skin", body_en="Sun cream is not enough.")
    assert titles("sun cream")[0] == "Sun cream"


def test_snippets_keep_headings_apart_from_the_text():
    make_article(
        title_en="Aftercare",
        summary_en="What to do afterwards.",
        body_en="## Aftercare at home\n\nKeep the area clean.\n\n- Redness\n- Swelling\n\n## When to call us\n\nFever.",
    )
    (hit,) = search.search("swelling", "en").page
    assert hit.snippet.endswith("area clean. Redness. <mark>Swelling</mark>. When to call us — Fever.")
    (hit,) = search.search("home", "en").page
    assert "afterwards. Aftercare at <mark>home</mark> — Keep the area clean." in hit.snippet


@pytest.mark.parametrize("articles", [1, 30])
def test_a_search_that_finds_nothing_asks_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, articles
):
    for n in range(articles):
        make_article(title_en=f"Acne note {n}", title_it=f"Nota sull'acne {n}")
    # Synonyms in both languages; all words by form and by stem; the known words and the spelling candidates; the
    # count in the other language; the topics offered instead; the clinic details, footer pages and page cache; the
    # synonyms' version in each language (it lives in the database, so every worker sees an edit at once).
    with django_assert_max_num_queries(13):
        response = client.get("/en/search/", {"q": "xylophone"})
    assert "Nothing matched your search." in response.text


def test_a_synonym_saved_by_another_worker_is_used_at_the_next_search():
    make_article(title_en="Vitiligo", title_it="Vitiligine", body_en="Pale patches.", body_it="Chiazze chiare.")
    assert titles("leucoderma") == []  # this process now holds its copy of the synonyms
    # Another worker's save, as this process sees it: the row and a new version of the lists, with no signal here.
    Synonym.objects.bulk_create([Synonym(language="en", terms="vitiligo, leucoderma")])
    bump([LISTS])
    assert titles("leucoderma") == ["Vitiligo"]
