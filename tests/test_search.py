"""Site search: ranking, word forms, accents, snippets, pagination, odd input and visibility, on both engines."""
import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone, translation

from education import services
from education.models import Article, Status
from search import engine as search
from search.models import SearchDocument

from .factories import make_article, make_faq, make_procedure, make_topic

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Status.DRAFT},
    "in review": {"status": Status.REVIEW},
    "scheduled": {"publish_at": timezone.now() + datetime.timedelta(hours=1)},
}


def titles(query, language="en", **kwargs):
    return [hit.title for hit in search.search(query, language, **kwargs).page]


def results_page(client, query, language="en", **params):
    path = "/en/search/" if language == "en" else "/it/cerca/"
    response = client.get(path, {"q": query, **params})
    assert response.status_code == 200
    return response, BeautifulSoup(response.text, "html.parser")


def test_title_match_ranks_above_body_match():
    make_article(title_en="Caring for your skin", body_en="Some people get rosacea on the cheeks.")
    make_article(title_en="Living with rosacea", body_en="Redness on the face that comes and goes.")
    make_article(title_en="Sun cream", summary_en="Rosacea and the sun.", body_en="Use sun cream every day.")
    assert titles("rosacea") == ["Living with rosacea", "Sun cream", "Caring for your skin"]


@pytest.mark.parametrize(
    ("language", "text", "query"),
    [
        ("en", "Botulinum toxin injections for acne", "injection"),
        ("en", "What one injection feels like", "injections"),
        ("en", "Side effects you may notice", "botox side effect"),
        ("it", "Le iniezioni di tossina botulinica", "iniezione"),
        ("it", "Com'è una iniezione nella pelle", "iniezioni"),
        ("it", "Brufoli e pelle grassa", "brufolo"),
    ],
)
def test_words_match_their_other_forms(language, text, query):
    fields = {f"title_{language}": text}
    if "botox" in query:
        fields["body_en"] = "Botox is one brand of botulinum toxin."
    make_article(**fields)
    make_article(title_en="Unrelated", title_it="Altro")
    assert titles(query, language) == [text]


@pytest.mark.parametrize(("text", "query"), [("Perché la pelle si arrossa", "perche"), ("Perche la pelle", "perché")])
def test_accents_do_not_matter(text, query):
    make_article(title_it=text)
    assert titles(query, "it") == [text]


def test_each_language_searches_its_own_text():
    make_article(
        title_en="Chemical peel", title_it="Peeling chimico", body_en="Aftercare.", body_it="Dopo il trattamento."
    )
    assert titles("aftercare", "en") == ["Chemical peel"]
    assert titles("aftercare", "it") == []
    assert titles("trattamento", "it") == ["Peeling chimico"]


def test_untranslated_item_is_found_in_its_fallback_text():
    make_article(title_it="", slug_it=None, summary_it="", body_it="", title_en="Laser hair removal")
    assert titles("laser", "it") == ["Laser hair removal"]


def test_results_are_labelled_by_type_and_link_to_the_item(client):
    topic = make_topic()
    article = make_article(title_en="Acne treatments")
    procedure = make_procedure(title_en="Acne peel")
    faq = make_faq(topic=topic, question_en="Does acne come back?")
    _response, page = results_page(client, "acne")
    results = {item.h2.a["href"]: item.select_one(".result-kind").text for item in page.select(".results li")}
    assert results == {
        article.get_absolute_url(): "Article",
        procedure.get_absolute_url(): "Treatment",
        faq.get_absolute_url(): "Question and answer",
    }


def test_italian_results_use_italian_addresses_and_labels(client):
    with translation.override("it"):
        article = make_article(title_it="Acne e brufoli")
        url = article.get_absolute_url()
    _response, page = results_page(client, "brufoli", "it")
    (item,) = page.select(".results li")
    assert item.h2.a["href"] == url
    assert item.select_one(".result-kind").text == "Articolo"


def test_snippet_marks_the_matched_words_and_escapes_the_text(client):
    make_article(
        title_en="Oily skin",
        summary_en="Why skin gets oily.",
        body_en="Tiny injections into the skin help if 5 < 6 & your pores look big.",
    )
    _response, page = results_page(client, "injection")
    snippet = page.select_one(".snippet")
    assert [mark.text for mark in snippet.find_all("mark")] == ["injections"]
    assert [tag.name for tag in snippet.find_all(True)] == ["mark"]
    html = snippet.decode_contents()
    assert "5 &lt; 6 &amp; your pores" in html


def test_snippet_cannot_carry_markup_from_content():
    make_article(title_en="Markup", body_en='Scarring &lt;img src=x onerror=alert(1)&gt; "quoted" <b>bold</b> scar')
    (hit,) = search.search("scar", "en").page
    assert "<img" not in hit.snippet and "<b>" not in hit.snippet
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") >= 1
    assert set(BeautifulSoup(hit.snippet, "html.parser").find_all(True)) <= set(
        BeautifulSoup(hit.snippet, "html.parser").find_all("mark")
    )


def test_results_are_paginated(client):
    for n in range(25):
        make_article(title_en=f"Eczema note {n:02}")
    results = search.search("eczema", "en", page=3)
    assert results.count == 25
    assert results.page.number == 3
    assert len(results.page) == 5

    _response, page = results_page(client, "eczema", page=2)
    assert len(page.select(".results li")) == 10
    assert page.select_one(".results")["start"] == "11"
    assert page.select_one('.pagination a[rel="next"]')["href"] == "?q=eczema&page=3"
    assert page.select_one(".pagination [aria-current=page]").text == "2"


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 3), ("-4", 3), ("999", 3), ("", 1), ("9" * 5000, 1)])
def test_bad_page_numbers_give_the_first_or_last_page(client, asked, shown):
    for n in range(25):
        make_article(title_en=f"Eczema note {n:02}")
    _response, page = results_page(client, "eczema", page=asked)
    assert page.select_one(".pagination [aria-current=page]").text == str(shown)


def test_all_words_must_match_before_any_word_does(client):
    make_article(title_en="Botox side effects", body_en="Bruising.")
    make_article(title_en="Botox for sweating", body_en="Underarms.")
    assert titles("botox side effects") == ["Botox side effects"]

    response, page = results_page(client, "botox underarms bruising")
    assert "No page contains all your words" in response.text
    assert len(page.select(".results li")) == 2


ODD_QUERIES = [
    '"',
    "'",
    '"acne',
    "%",
    "%%acne%",
    "' OR 1=1--",
    "acne' OR 1=1--",
    "acne OR",
    "NOT acne",
    "acne AND",
    "NEAR(acne",
    "acne*",
    "*",
    "^acne",
    "title:acne",
    "{title}:acne",
    "acne -botox",
    "(acne",
    "\\",
    "acne;DROP TABLE education_article;--",
    "a" * 10_000,
    "acne " * 3000,
    "🙂",
    "acne 🙂🧴",
    "👩🏽‍⚕️",
    "\x07\x1b[31m",
    "acne\x00",
    "\x00",
    "\u200b\u202e",
    "ｂｒｕｆｏｌｉ",
    "   ",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("language", ["en", "it"])
def test_odd_input_gives_a_normal_page(client, query, language):
    topic = make_topic(name_en="Acne", name_it="Acne")
    make_article(title_en="Acne basics", title_it="Acne: le basi", topics=[topic])
    response, page = results_page(client, query, language)
    assert page.select_one("h1")
    assert "\x00" not in response.text
    text = page.get_text(" ")
    helpful = (
        page.select(".results li")
        or "Type a word or two" in text
        or "no words we can look for" in text
        or "Nothing matched" in text
        or "Scrivi una o due parole" in text
        or "non contiene parole" in text
        or "Nessun risultato" in text
    )
    assert helpful, text


def test_injection_like_input_still_finds_the_real_words(client):
    make_article(title_en="Acne basics")
    for query in ("acne' OR 1=1--", '"acne', "acne*", "title:acne", "acne\x00"):
        assert titles(query) == ["Acne basics"], query


def test_long_query_is_cut_and_the_patient_told(client):
    make_article(title_en="Acne basics")
    response, page = results_page(client, "acne " + "x" * 10_000)
    assert "used only its first 200 characters" in response.text
    assert len(page.select_one("#site-search")["value"]) <= search.MAX_QUERY_LENGTH
    assert [a.text for a in page.select(".results h2 a")] == ["Acne basics"]


def test_empty_query_explains_and_suggests_topics(client):
    make_topic(name_en="Wrinkles")
    response, page = results_page(client, "")
    assert "Type a word or two" in response.text
    assert "Wrinkles" in [a.text for a in page.select(".cards a")]


def test_no_results_suggests_topics(client):
    make_topic(name_en="Wrinkles", name_it="Rughe")
    response, page = results_page(client, "xylophone")
    assert "Nothing matched your search." in response.text
    assert "Wrinkles" in [a.text for a in page.select(".cards a")]
    response, page = results_page(client, "xilofono", "it")
    assert "Rughe" in [a.text for a in page.select(".cards a")]


@pytest.mark.parametrize("state", HIDDEN)
def test_unpublished_items_never_appear(client, state):
    topic = make_topic()
    make_article(title_en="Psoriasis secret article", **HIDDEN[state])
    make_procedure(title_en="Psoriasis secret procedure", **HIDDEN[state])
    make_faq(topic=topic, question_en="Psoriasis secret question?", **HIDDEN[state])
    make_article(title_en="Psoriasis visible")
    for query in ("psoriasis secret", "psoriasis"):
        _response, page = results_page(client, query)
        assert [a.text for a in page.select(".results h2 a")] == ["Psoriasis visible"]
    assert titles("psoriasis") == ["Psoriasis visible"]
    assert search.search("psoriasis", "en").count == 1


def test_scheduled_item_appears_once_its_time_comes(time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    make_article(title_en="Vitiligo", publish_at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC))
    assert titles("vitiligo") == []
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    assert titles("vitiligo") == ["Vitiligo"]


def test_unpublishing_and_publishing_again_are_followed_at_once(admin_user):
    article = make_article(title_en="Rosacea")
    assert search.search("rosacea", "en").count == 1
    services.unpublish(item=article, user=admin_user)
    assert search.search("rosacea", "en").count == 0
    assert titles("rosacea") == []
    services.publish(item=article, user=admin_user)
    assert titles("rosacea") == ["Rosacea"]


def test_index_follows_edits():
    article = make_article(title_en="Melasma")
    article.title_en = "Sun spots"
    article.save()
    assert titles("melasma") == []
    assert titles("spots") == ["Sun spots"]


def test_index_follows_deletes():
    article = make_article(title_en="Warts")
    faq = make_faq(question_en="Are warts contagious?")
    procedure = make_procedure(title_en="Wart freezing")
    article.delete()
    # A queryset delete (the admin's bulk delete) calls no model method but still sends post_delete.
    type(faq).objects.filter(pk=faq.pk).delete()
    assert titles("wart") == ["Wart freezing"]
    procedure.delete()
    assert titles("wart") == []
    assert not SearchDocument.objects.exists()


def test_items_loaded_from_a_fixture_are_indexed():
    article = make_article(title_en="Chemical peel")
    data = serializers.serialize("json", [article])
    article.delete()
    assert titles("peel") == []
    # loaddata saves raw, as the demo content is loaded; the index must still follow.
    for loaded in serializers.deserialize("json", data):
        loaded.save()
    assert titles("peel") == ["Chemical peel"]


def test_rebuild_command_restores_the_index(capsys):
    article = make_article(title_en="Vitiligo")
    # update() sends no signal, so the index still holds the old title until a rebuild.
    Article.objects.filter(pk=article.pk).update(title_en="Pale patches")
    assert titles("patches") == []
    call_command("rebuild_search_index", verbosity=0)
    assert capsys.readouterr().out == ""
    assert titles("patches") == ["Pale patches"]
    assert titles("vitiligo") == []

    make_faq(question_en="Are pale patches normal?")
    call_command("rebuild_search_index")
    assert "1 articles, 0 procedure notes, 1 FAQs" in capsys.readouterr().out
    assert SearchDocument.objects.count() == 2 * 2
    assert set(titles("patches")) == {"Pale patches", "Are pale patches normal?"}


def test_search_box_is_on_every_page(client):
    article = make_article()
    for url, action in [("/en/", "/en/search/"), (article.get_absolute_url(), "/en/search/"), ("/it/", "/it/cerca/")]:
        page = BeautifulSoup(client.get(url).text, "html.parser")
        form = page.select_one("header form[role=search]")
        assert form["action"] == action and form["method"] == "get"
        field = form.select_one("input[type=search][name=q]")
        assert form.select_one(f"label[for={field['id']}]").text.strip()
        assert form.select_one("button[type=submit]")


def test_language_switch_keeps_the_search(client):
    _response, page = results_page(client, "acne & co")
    links = {a["hreflang"]: a["href"] for a in page.select(".languages a")}
    assert links == {"it": "/it/cerca/?q=acne+%26+co"}


@pytest.mark.parametrize("articles", [1, 30])
def test_search_page_queries_do_not_grow_with_results(client, django_assert_max_num_queries, articles):
    topic = make_topic()
    for n in range(articles):
        make_article(title_en=f"Acne note {n}")
        make_procedure(title_en=f"Acne procedure {n}")
    make_faq(topic=topic, question_en="Acne?")
    # No item has all three words: the synonyms (cached afterwards); the page (with its count) for all words by
    # form, by stem, then for any word; which words the vocabulary knows (for a spelling suggestion); the items of
    # each of the three kinds on it; the clinic details, the footer pages and the page cache's next publish time.
    with django_assert_max_num_queries(12):  # the synonyms' version is read from the database, as pages' are
        response = client.get("/en/search/", {"q": "acne note procedure"})
    assert response.status_code == 200
