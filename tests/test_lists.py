"""Long lists come a page at a time: the home page and topic pages show the first few and link to the full lists
(a topic page to its own treatments and questions)."""
import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from education.models import Article
from education.views import (
    FAQS_PER_PAGE,
    HOME_ITEMS,
    ITEMS_PER_PAGE,
    RELATED_ARTICLES,
    TOPIC_FAQS,
    TOPIC_PROCEDURES,
)

from .factories import make_article, make_faq, make_procedure, make_topic

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def card_titles(page):
    return [link.get_text() for link in page.select("ul.cards li.card > a")]


def test_home_shows_the_first_items_and_links_to_every_list(client):
    for n in range(HOME_ITEMS + 2):
        make_procedure(title_en=f"Treatment {n:02d}")
        make_article(title_en=f"Reading {n:02d}")
    page = soup(client.get("/en/"))
    titles = card_titles(page)
    assert len([t for t in titles if t.startswith("Treatment")]) == HOME_ITEMS
    assert len([t for t in titles if t.startswith("Reading")]) == HOME_ITEMS
    links = {a["href"] for a in page.select("main a")}
    assert {"/en/procedures/", "/en/articles/"} <= links


@pytest.mark.parametrize(
    ("language", "path", "make", "prefix"),
    [
        ("en", "/en/articles/", make_article, "Article"),
        ("it", "/it/articoli/", make_article, "Articolo"),
        ("en", "/en/procedures/", make_procedure, "Procedure"),
        ("it", "/it/trattamenti/", make_procedure, "Trattamento"),
    ],
)
def test_full_lists_are_paginated_in_both_languages(client, language, path, make, prefix):
    made = [make() for _ in range(ITEMS_PER_PAGE + 2)]
    make(status="draft", title_en="Hidden draft", title_it="Bozza nascosta")
    with translation.override(language):
        first = soup(client.get(path))
        assert first.html["lang"] == language
        assert len(card_titles(first)) == ITEMS_PER_PAGE
        second = soup(client.get(path + first.select_one("nav.pagination a[rel=next]")["href"]))
    shown = card_titles(first) + card_titles(second)
    assert sorted(shown) == sorted(getattr(item, f"title_{language}") for item in made)
    assert all(title.startswith(prefix) for title in shown)
    assert "Hidden draft" not in str(second) and "Bozza nascosta" not in str(second)
    # A page number past the end, or not a number, still gives a page of the list.
    assert card_titles(soup(client.get(path + "?page=999"))) == card_titles(second)
    assert card_titles(soup(client.get(path + "?page=x%00"))) == card_titles(first)


def test_empty_list_says_so(client):
    assert "Nothing has been published here yet." in soup(client.get("/en/articles/")).get_text()
    assert "Qui non è ancora stato pubblicato nulla." in soup(client.get("/it/trattamenti/")).get_text()


def test_faq_page_is_paginated_and_grouped_by_topic(client):
    first_topic, second_topic = make_topic(name_en="Acne", order=1), make_topic(name_en="Scars", order=2)
    for n in range(FAQS_PER_PAGE):
        make_faq(topic=first_topic, order=n)
    for n in range(3):
        make_faq(topic=second_topic, order=n)
    first = soup(client.get("/en/faq/"))
    assert len(first.select("details")) == FAQS_PER_PAGE
    assert [h.get_text() for h in first.select("main section h2")] == ["Acne"]
    second = soup(client.get("/en/faq/" + first.select_one("nav.pagination a[rel=next]")["href"]))
    assert len(second.select("details")) == 3
    assert [h.get_text() for h in second.select("main section h2")] == ["Scars"]
    # The structured data describes the questions on this page only.
    assert second.select_one('script[type="application/ld+json"]').string.count('"Question"') == 3


def test_topic_page_shows_its_first_questions_and_links_to_all_of_them(client):
    topic, other = make_topic(slug_en="acne", slug_it="acne-it", name_en="Acne", name_it="Acne (it)"), make_topic()
    for n in range(TOPIC_FAQS + 1):
        make_faq(topic=topic, order=n, question_en=f"Acne question {n:02d}?")
    make_faq(topic=other, question_en="Unrelated question?")
    page = soup(client.get("/en/topics/acne/"))
    assert len(page.select("details")) == TOPIC_FAQS
    more = page.find("a", string="All questions about Acne")
    assert more["href"] == "/en/faq/?topic=acne"

    listed = soup(client.get(more["href"]))
    assert listed.h1.get_text() == "Questions about Acne"
    questions = [summary.get_text() for summary in listed.select("details summary")]
    assert questions == [f"Acne question {n:02d}?" for n in range(TOPIC_FAQS + 1)]
    # Italian addresses use the Italian slug; an unknown topic shows every question rather than an error.
    assert "Domande su: Acne (it)" in soup(client.get("/it/domande-frequenti/?topic=acne-it")).h1.get_text()
    everything = soup(client.get("/en/faq/?topic=no-such-topic"))
    assert everything.h1.get_text() == "Questions and answers"
    assert len(everything.select("details")) == TOPIC_FAQS + 2


def test_topic_page_with_few_questions_has_no_link_to_more(client):
    topic = make_topic(slug_en="few")
    make_faq(topic=topic)
    page = soup(client.get("/en/topics/few/"))
    assert len(page.select("details")) == 1
    assert not page.select('a[href^="/en/faq/?topic="]')


def test_pagination_keeps_the_topic_filter(client):
    topic = make_topic(slug_en="busy")
    for n in range(FAQS_PER_PAGE + 1):
        make_faq(topic=topic, order=n)
    make_faq(topic=make_topic())
    first = soup(client.get("/en/faq/?topic=busy"))
    next_href = first.select_one("nav.pagination a[rel=next]")["href"]
    assert next_href == "?topic=busy&page=2"
    assert len(soup(client.get("/en/faq/" + next_href)).select("details")) == 1


def test_treatment_page_shows_its_newest_articles_and_the_way_to_the_rest(client):
    topic = make_topic(name_en="Acne", slug_en="acne")
    procedure = make_procedure(topics=[topic], slug_en="peel")
    for n in range(RELATED_ARTICLES + 1):
        make_article(topics=[topic], title_en=f"Peel article {n:02d}").procedures.add(procedure)
    page = soup(client.get("/en/procedures/peel/"))
    related = page.select("#articles-heading + ul.cards li")
    assert len(related) == RELATED_ARTICLES
    [more] = [p for p in page.select("main p") if p.get_text().startswith("More articles on")]
    assert more.a["href"] == "/en/topics/acne/"
    # Both detail pages name their topics above the title, as links.
    assert page.select_one("p.kicker a")["href"] == "/en/topics/acne/"
    article_page = soup(client.get("/en/articles/" + Article.objects.first().slug_en + "/"))
    assert article_page.select_one("p.kicker a").get_text() == "Acne"


def test_treatment_page_with_few_articles_has_no_link_to_more(client):
    procedure = make_procedure(topics=[make_topic()], slug_en="laser")
    make_article(title_en="Laser article").procedures.add(procedure)
    page = soup(client.get("/en/procedures/laser/"))
    assert [li.a.get_text() for li in page.select("#articles-heading + ul.cards li")] == ["Laser article"]
    assert "More articles on" not in page.get_text()


def test_topic_page_shows_its_first_treatments_and_links_to_all_of_them(client):
    topic = make_topic(slug_en="scars", slug_it="cicatrici", name_en="Scars", name_it="Cicatrici")
    make_procedure(topics=[make_topic()], title_en="Elsewhere")
    # More than a page of the full list too, so its pagination must keep the filter.
    titles = [f"Scar treatment {n:02d}" for n in range(ITEMS_PER_PAGE + 1)]
    for title in reversed(titles):
        make_procedure(topics=[topic], title_en=title, title_it=title.replace("Scar treatment", "Trattamento"))
    page = soup(client.get("/en/topics/scars/"))
    assert card_titles(page)[:TOPIC_PROCEDURES] == titles[:TOPIC_PROCEDURES]  # the first ones, in title order
    assert len(page.select("#procedures-heading ~ ul.cards li")) == TOPIC_PROCEDURES
    [more] = [a for a in page.select("main a") if a.get_text() == "All treatments about Scars"]
    assert more["href"] == "/en/procedures/?topic=scars"
    every = soup(client.get(more["href"]))
    assert every.h1.get_text() == "Treatments about Scars"
    next_href = every.select_one("nav.pagination a[rel=next]")["href"]
    assert next_href == "?topic=scars&page=2"
    assert card_titles(every) + card_titles(soup(client.get("/en/procedures/" + next_href))) == titles
    # In Italian, with the Italian slug; an unknown topic lists every treatment.
    italian = soup(client.get("/it/trattamenti/?topic=cicatrici"))
    assert italian.h1.get_text() == "Trattamenti: Cicatrici"
    everything = soup(client.get("/en/procedures/?topic=no-such-topic"))
    assert everything.h1.get_text() == "Treatments" and "Elsewhere" in card_titles(everything)


def test_topic_page_with_few_treatments_has_no_link_to_more(client):
    topic = make_topic(slug_en="rare")
    make_procedure(topics=[topic])
    page = soup(client.get("/en/topics/rare/"))
    assert len(page.select("#procedures-heading ~ ul.cards li")) == 1
    assert not page.select('a[href^="/en/procedures/?topic="]')
