"""`make bench` measures the library bench/seed.py builds: a tiny one here checks that every page it measures works.

The benchmark itself (gunicorn and wrk) is too slow for the suite; this catches what once made it measure the wrong
thing, such as a search index left empty, so that every search was the cheap "nothing matched" page.
"""
import importlib.util
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "bench" / "seed.py"


def load_seed():
    spec = importlib.util.spec_from_file_location("bench_seed", SEED)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_library_serves_every_measured_page_with_content(client):
    pages = load_seed().prepare("tiny")
    assert set(pages) == {"en", "it"}
    for language, measured in pages.items():
        assert set(measured) == {"home", "topic", "article", "procedure", "faq", "search"}
        for name, path in measured.items():
            response = client.get(path)
            assert response.status_code == 200, path
            page = BeautifulSoup(response.text, "html.parser")
            assert page.html["lang"] == language
            content = {
                "home": "ul.cards li",
                "topic": "ul.cards li",
                "article": ".prose p",
                "procedure": "main section",
                "faq": "details",
                "search": ".results .result",
            }[name]
            assert page.select(content), (path, content)


def test_benchmark_refuses_a_database_that_already_has_content(client):
    from .factories import make_article

    make_article()
    with pytest.raises(SystemExit, match="must start empty"):
        load_seed().prepare("tiny")


def test_benchmark_rotates_through_addresses_that_all_work(client):
    seed = load_seed()
    seed.prepare("tiny")
    addresses = seed.addresses_to_measure()
    for language, kinds in addresses.items():
        assert set(kinds) == {"home", "topic", "article", "procedure", "faq", "search"}
        assert len(kinds["article"]) == 30 and len(set(kinds["search"])) == len(kinds["search"]) > 500
        for paths in kinds.values():
            for path in paths[:40]:
                response = client.get(path)
                assert response.status_code == 200, path
                assert BeautifulSoup(response.text, "html.parser").html["lang"] == language


def test_benchmark_saver_changes_one_published_article(client):
    import random

    from education.models import Article

    seed = load_seed()
    seed.prepare("tiny")
    path = seed.save_an_article(random.Random(1))
    saved = Article.objects.get(slug_en=path.rstrip("/").rsplit("/", 1)[1])
    assert saved.title_en.endswith("*")
    assert "*" in client.get(path).text


def test_ceiling_serves_each_template_as_first_rendered(client):
    """bench/ceiling.py's second server renders each patient template once: a second article gets the first's page
    (its view still runs: an unknown address is still a 404), and the portal renders normally again once restored."""
    from django.template.backends.jinja2 import Template

    from education.cache import bump_content_version

    from .factories import make_article

    first, second = make_article(title_en="First of two"), make_article(title_en="Second of two")
    served = Template.render
    spec = importlib.util.spec_from_file_location("rendered_once", SEED.parent / "rendered_once.py")
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        pages = [client.get(article.get_absolute_url()).content for article in (first, second)]
        assert pages[0] == pages[1] and b"First of two" in pages[1]
        assert client.get("/en/articles/no-such-article/").status_code == 404
    finally:
        Template.render = served
    bump_content_version()  # the page cache kept what the benchmark's renderer made
    assert b"Second of two" in client.get(second.get_absolute_url()).content
