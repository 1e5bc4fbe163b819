"""Both languages: prefixes, the switcher, the English fallback and 404s in the visitor's language."""
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation

from .factories import make_article, make_procedure, make_topic

pytestmark = pytest.mark.django_db


def switcher_links(response):
    nav = BeautifulSoup(response.text, "html.parser").select_one("nav.languages")
    return {a["hreflang"]: a["href"] for a in nav.select("a[hreflang]")}


def test_root_sends_visitor_to_their_preferred_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9").headers["Location"] == "/it/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").headers["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").headers["Location"] == "/en/"


def test_home_page_interface_is_translated(client):
    assert 'lang="it"' in client.get("/it/").text
    assert "Domande e risposte" in client.get("/it/").text
    assert "Questions and answers" in client.get("/en/").text


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_social_previews_name_each_languages_locale(client, code, settings):
    settings.OPEN_GRAPH_LOCALES = {**settings.OPEN_GRAPH_LOCALES, code: f"{code}_TEST"}
    settings.PAGE_CACHE = False
    page = BeautifulSoup(client.get(f"/{code}/").text, "html.parser")
    assert page.select_one('meta[property="og:locale"]')["content"] == f"{code}_TEST"


def test_article_urls_use_each_languages_slug(client):
    article = make_article(slug_en="botox-acne", slug_it="botox-acne-it")
    assert client.get("/en/articles/botox-acne/").status_code == 200
    assert client.get("/it/articoli/botox-acne-it/").status_code == 200
    # Each language answers only to its own slug.
    assert client.get("/it/articoli/botox-acne/").status_code == 404
    assert client.get("/en/articles/botox-acne-it/").status_code == 404
    assert article.title_it in client.get("/it/articoli/botox-acne-it/").text


def test_switcher_leads_to_same_item_in_other_language(client):
    procedure = make_procedure(slug_en="micro-injections", slug_it="microiniezioni")
    links = switcher_links(client.get("/en/procedures/micro-injections/"))
    assert links == {"it": "/it/trattamenti/microiniezioni/"}
    links = switcher_links(client.get("/it/trattamenti/microiniezioni/"))
    assert links == {"en": "/en/procedures/micro-injections/"}
    assert procedure.title_en in client.get(links["en"]).text


def test_switcher_on_list_pages_translates_the_path(client):
    assert switcher_links(client.get("/en/faq/")) == {"it": "/it/domande-frequenti/"}


def test_italian_falls_back_to_english_where_text_is_missing(client):
    topic = make_topic()
    article = make_article(topics=[topic], title_it=None, slug_it=None, summary_it="", body_it="")
    # The Italian address uses the English slug when there is no Italian one.
    response = client.get(f"/it/articoli/{article.slug_en}/")
    assert response.status_code == 200
    assert article.title_en in response.text
    assert article.body_en in response.text
    assert switcher_links(client.get(f"/en/articles/{article.slug_en}/")) == {"it": f"/it/articoli/{article.slug_en}/"}
    with translation.override("it"):
        topic_url = topic.get_absolute_url()
    assert article.title_en in client.get(topic_url).text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/articles/no-such-article/", "Page not found"),
        ("/it/articoli/articolo-inesistente/", "Pagina non trovata"),
        ("/it/pagina-inesistente/", "Pagina non trovata"),
        ("/en/no-such-page/", "Page not found"),
    ],
)
def test_404_page_speaks_the_visitors_language(client, url, expected):
    response = client.get(url)
    assert response.status_code == 404
    assert expected in response.text


def test_unknown_language_prefix_is_404(client):
    response = client.get("/fr/", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.text
