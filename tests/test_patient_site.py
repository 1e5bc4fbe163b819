"""Patient pages: trust details, structured data, sitemap, feed, FAQ anchors, fallback notice, privacy."""
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from .factories import make_article, make_clinic, make_faq, make_page, make_procedure, make_source, make_topic

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def json_ld(response):
    blocks = soup(response).select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


@pytest.fixture
def site():
    topic = make_topic(slug_en="acne", slug_it="acne-it")
    procedure = make_procedure(
        topics=[topic], slug_en="micro", slug_it="micro-it", before_en="Do not wear make-up.",
        during_en="Tiny injections.",
        aftercare_en="Do not rub the area.", duration_en="30 minutes", downtime_en="None",
    )
    article = make_article(topics=[topic], slug_en="botox", slug_it="botox-it")
    article.procedures.add(procedure)
    article.sources.add(make_source(title="Acne guideline", publisher="Dermatology Society", year=2023))
    faq = make_faq(topic=topic, article=article, question_en="Does it hurt?", answer_en="A little.")
    make_clinic()
    return {"topic": topic, "procedure": procedure, "article": article, "faq": faq}


@pytest.mark.parametrize("language", ["en", "it"])
def test_every_page_type_renders_in_both_languages(client, site, language):
    with translation.override(language):
        urls = [f"/{language}/", site["topic"].get_absolute_url(), site["article"].get_absolute_url(),
                site["procedure"].get_absolute_url(), site["faq"].get_absolute_url(), f"/{language}/"
                + ("faq/" if language == "en" else "domande-frequenti/"),
                f"/{language}/" + ("articles/" if language == "en" else "articoli/"),
                f"/{language}/" + ("procedures/" if language == "en" else "trattamenti/"),
                make_page().get_absolute_url()]
    for url in urls:
        page = soup(client.get(url))
        assert page.html["lang"] == language
        assert len(page.find_all("h1")) == 1, url
        assert page.select_one("a.skip-link")["href"] == "#main"
        assert page.select_one('link[rel="canonical"]')["href"].endswith(url)
        hreflangs = {link["hreflang"] for link in page.select('link[rel="alternate"][hreflang]')}
        assert hreflangs == {"en", "it", "x-default"}
        assert page.select_one('meta[name="description"]')["content"]
        assert page.select_one('meta[property="og:title"]')["content"]


def test_article_shows_review_sources_and_contact(client, site):
    page = soup(client.get("/en/articles/botox/"))
    text = page.get_text(" ", strip=True)
    assert "Medically reviewed by Test dermatologist, Dermatologist, on Jan. 10, 2026." in text
    assert "Next review due Jan. 10, 2027." in text
    sources = page.select("ol.sources li")
    assert len(sources) == 1 and sources[0].a["href"].startswith("https://example.org/")
    assert "Call 112." in text
    assert "does not replace advice from your own doctor" in text


def test_italian_page_formats_dates_in_italian(client, site):
    text = soup(client.get("/it/articoli/botox-it/")).get_text(" ", strip=True)
    assert "il 10 gennaio 2026" in text
    assert "10 gennaio 2027" in text


def test_procedure_sections_in_order_key_facts_and_empty_sections_left_out(client, site):
    page = soup(client.get("/en/procedures/micro/"))
    headings = [h.get_text(strip=True) for h in page.select("article section.prose h2")]
    assert headings == ["What it is", "Before your appointment", "During the treatment", "Aftercare",
                        "Risks and side effects", "When to contact the clinic"]
    facts = {dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True) for dt in page.select(".key-facts dt")}
    assert facts == {"How long it takes": "30 minutes", "Downtime": "None"}
    contact_section = page.select("article section.prose")[-1]
    assert "+39 02 1234 5678" in contact_section.get_text()


def test_faq_questions_are_details_with_anchors(client, site):
    page = soup(client.get("/en/faq/"))
    details = page.select_one(f"details#{site['faq'].anchor}")
    assert details.summary.get_text(strip=True) == "Does it hurt?"
    assert details.select_one(f'a[href="#{site["faq"].anchor}"]')
    assert site["faq"].get_list_url() == f"/en/faq/#{site['faq'].anchor}"


def test_faq_page_is_grouped_by_topic(client, site):
    other = make_topic(name_en="Scars")
    make_faq(topic=other, question_en="Will it scar?")
    page = soup(client.get("/en/faq/"))
    groups = {s.h2.get_text(strip=True): [d.summary.get_text(strip=True) for d in s.select("details")]
              for s in page.select("main section")}
    assert groups == {site["topic"].name_en: ["Does it hurt?"], "Scars": ["Will it scar?"]}


def test_article_json_ld_carries_review(client, site):
    data = json_ld(client.get("/en/articles/botox/"))
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-01-10"
    assert data["reviewedBy"]["name"] == "Test dermatologist"
    assert data["citation"][0]["name"] == "Acne guideline"


def test_procedure_json_ld_is_a_medical_procedure(client, site):
    data = json_ld(client.get("/it/trattamenti/micro-it/"))
    assert data["lastReviewed"] == "2026-01-10"
    procedure = data["mainEntity"]
    assert procedure["@type"] == "MedicalProcedure"
    assert procedure["preparation"] == "Do not wear make-up."
    assert procedure["howPerformed"] == "Tiny injections."
    assert procedure["followup"] == "Do not rub the area."


def test_faq_json_ld_is_an_faq_page(client, site):
    data = json_ld(client.get("/en/faq/"))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Does it hurt?"
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "A little."


def test_json_ld_cannot_be_closed_by_editor_text(client, site):
    site["article"].summary_en = "</script><script>alert(1)</script>"
    site["article"].save()
    response = client.get("/en/articles/botox/")
    assert "<script>alert(1)" not in response.text
    assert json_ld(response)["description"] == "</script><script>alert(1)</script>"


def test_italian_fallback_shows_notice_and_marks_english_text(client, site):
    article = make_article(title_it=None, slug_it=None, body_it="", summary_it="Riassunto italiano.")
    page = soup(client.get(f"/it/articoli/{article.slug_en}/"))
    assert "non è ancora disponibile" in page.select_one(".notice").get_text()
    assert page.h1["lang"] == "en"
    assert page.select_one(".prose")["lang"] == "en"
    assert not page.select_one(".in-brief p").has_attr("lang")
    complete = soup(client.get("/it/articoli/botox-it/"))
    assert complete.select_one(".notice") is None and not complete.h1.has_attr("lang")


def test_sitemap_lists_published_items_with_alternates(client, site):
    make_article(status="draft", slug_en="secret-draft")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert "http://testserver/en/articles/botox/" in locations
    assert "http://testserver/it/articoli/botox-it/" in locations
    assert not any("secret-draft" in loc for loc in locations)
    for listing in ("/en/articles/", "/it/articoli/", "/en/procedures/", "/it/trattamenti/", "/en/faq/"):
        assert f"http://testserver{listing}" in locations
    entry = next(u for u in root.findall("s:url", ns) if u.find("s:loc", ns).text.endswith("/en/articles/botox/"))
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", ns)}
    assert alternates["it"] == "http://testserver/it/articoli/botox-it/"
    assert alternates["en"] == "http://testserver/en/articles/botox/"


def test_robots_points_at_the_sitemap(client):
    body = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


@pytest.mark.parametrize(("url", "title"), [("/en/feed/", "Article"), ("/it/feed/", "Articolo")])
def test_feed_per_language_lists_only_published_articles(client, site, url, title):
    make_article(status="review", title_en="Secret review", title_it="Segreto")
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles == [site["article"].title_en if title == "Article" else site["article"].title_it]
    assert "Secret" not in response.text and "Segreto" not in response.text


def test_no_third_party_assets_and_no_cookies_for_anonymous_visitors(client, site):
    with translation.override("it"):
        italian = site["article"].get_absolute_url()
    for url in ["/en/", "/it/", "/en/articles/botox/", italian, "/en/faq/", "/en/procedures/micro/"]:
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert not response.cookies, url
        page = soup(response)
        for tag, attr in [("script", "src"), ("link", "href"), ("img", "src"), ("source", "srcset")]:
            for element in page.find_all(tag):
                value = element.get(attr)
                if value and (tag != "link" or element.get("rel") in (["stylesheet"], ["icon"], ["preload"])):
                    assert value.startswith("/"), (url, tag, value)


def test_article_page_is_small(client, site):
    html = client.get("/en/articles/botox/").content
    css = open("static/css/site.css", "rb").read()
    assert len(html) + len(css) < 60_000


def test_topic_lists_its_articles_a_page_at_a_time(client):
    from education.views import ITEMS_PER_PAGE

    topic = make_topic(slug_en="many")
    for n in range(ITEMS_PER_PAGE + 3):
        make_article(topics=[topic], title_en=f"Numbered article {n:02d}")
    first = soup(client.get("/en/topics/many/"))
    assert len(first.select("#articles-heading + ul.cards li")) == ITEMS_PER_PAGE
    assert "Page 1 of 2" in first.select_one("nav.pagination").get_text()
    second = soup(client.get("/en/topics/many/" + first.select_one("a[rel=next]")["href"]))
    assert len(second.select("#articles-heading + ul.cards li")) == 3
    assert soup(client.get("/en/topics/many/?page=zzz")).select_one("nav.pagination")  # a bad number: page 1
