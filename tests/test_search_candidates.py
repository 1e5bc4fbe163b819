"""The PostgreSQL engine ranks and counts a bounded set of matches (PostgreSQLEngine.CANDIDATES), the pages about the
words first, with a plan that reads the GIN indexes; the results page says honestly when there are more.

PostgreSQL only: the SQLite engine ranks every match (its figures are in README "Speed").
"""
import pytest
from bs4 import BeautifulSoup
from django.db import connection

from search import engine as search

from .factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bound is the PostgreSQL engine's"),
]


@pytest.fixture
def bound(monkeypatch):
    monkeypatch.setattr(search.PostgreSQLEngine, "CANDIDATES", 3)
    return 3


def eczema_match(language="en"):
    return search.matches_in_order(tuple(search.query_terms(["eczema"], language)))[0]


def test_a_common_word_ranks_one_more_match_than_the_bound_and_no_more(bound):
    for n in range(bound + 4):
        make_article(title_en=f"Eczema note {n}")
    total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    assert total == len(rows) == bound + 1
    assert search.get_engine().count(eczema_match(), "en") == bound + 1


def test_the_count_is_the_bound_and_the_page_says_there_are_more(client, bound):
    for n in range(bound + 2):
        make_article(title_en=f"Eczema note {n}", title_it=f"Nota sull'eczema {n}")
    results = search.search("eczema", "en")
    assert (results.count, results.capped, results.page.paginator.num_pages) == (bound, True, 1)
    status = BeautifulSoup(client.get("/en/search/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"More than {bound} results; the first {bound} are shown."
    status = BeautifulSoup(client.get("/it/cerca/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"Più di {bound} risultati; sono mostrati i primi {bound}."


def test_the_count_is_exact_up_to_the_bound(client, bound):
    for n in range(bound):
        make_article(title_en=f"Eczema note {n}")
    results = search.search("eczema", "en")
    assert (results.count, results.capped) == (bound, False)
    status = BeautifulSoup(client.get("/en/search/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"{bound} results."


def test_the_other_language_hint_says_more_than_the_bound(client, bound):
    for n in range(bound + 1):
        make_article(title_en=f"Pale patches {n}", title_it=f"Vitiligine {n}")
    page = BeautifulSoup(client.get("/en/search/", {"q": "vitiligine"}).text, "html.parser")
    assert page.select_one(".elsewhere").text == f"More than {bound} pages in Italian match your search"


def test_pages_about_the_word_are_candidates_before_pages_that_mention_it(bound):
    # Written first, so a scan in table order would meet them first; the word is past the body's ranked opening.
    for n in range(bound + 3):
        make_article(title_en=f"Skin note {n}", body_en="Wash gently and pat dry. " * 10 + "Some get eczema.")
    in_summary = make_article(title_en="Dry skin", summary_en="Eczema and dry skin.")
    in_title = make_article(title_en="Eczema")
    _total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    ids = {row[2] for row in rows}
    assert {in_title.pk, in_summary.pk} <= ids
    assert rows[0][2] == in_title.pk
    assert [hit.title for hit in search.search("eczema", "en").page][:2] == ["Eczema", "Dry skin"]


def test_the_plan_reads_the_gin_indexes_and_never_every_row(bound):
    # On a table this small the planner would rather read every row; what it chooses here it would choose on a
    # large table it misjudges (after a rebuild), where reading every row unpacks every body's vector.
    for n in range(bound + 3):
        make_article(title_en=f"Skin note {n}", body_en="Eczema.")
    engine = search.get_engine()
    candidates, params = engine._candidates(eczema_match(), "en")
    plan = "\n".join(row[0] for row in engine._execute(f"EXPLAIN {candidates} SELECT * FROM candidates", params))
    assert "Seq Scan on education_search_pg" not in plan
    assert "education_search_pg_rank_vector" in plan and "education_search_pg_vector" in plan
    assert "Limit" in plan


def test_title_matches_are_candidates_before_summary_matches(bound):
    for n in range(bound + 3):
        make_article(title_en=f"Skin note {n}", summary_en="Eczema and dry skin.")
    in_title = make_article(title_en="Eczema")
    _total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    assert rows[0][2] == in_title.pk
