"""Both engines rank and count a bounded set of matches (Engine.CANDIDATES), the pages about the words first, with
plans that never score every match; the results page says honestly when there are more.

The bound and wording tests run on the database in use; each plan test on its own engine.
"""
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from education.models import Status
from search import engine as search

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def bound(monkeypatch):
    monkeypatch.setattr(search.Engine, "CANDIDATES", 3)
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
    assert search.get_engine().count(eczema_match(), "en") == bound + 1
    results = search.search("eczema", "en")
    assert (results.count, results.capped, results.page.paginator.num_pages) == (bound, True, 1)
    status = BeautifulSoup(client.get("/en/search/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"More than {bound} results; the first {bound} are shown."
    status = BeautifulSoup(client.get("/it/cerca/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"Più di {bound} risultati; sono mostrati i primi {bound}."


def test_the_count_is_exact_up_to_the_bound_and_capped_past_it(client, bound):
    for n in range(bound):
        make_article(title_en=f"Eczema note {n}")
    results = search.search("eczema", "en")
    assert (results.count, results.capped) == (bound, False)
    status = BeautifulSoup(client.get("/en/search/", {"q": "eczema"}).text, "html.parser").select_one("[role=status]")
    assert status.text == f"{bound} results."
    for n in range(bound, bound + 3):
        make_article(title_en=f"Eczema note {n}")
    assert search.get_engine().count(eczema_match(), "en") == bound + 1


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
    total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    assert total == len(rows) == bound + 1
    ids = {row[2] for row in rows}
    assert {in_title.pk, in_summary.pk} <= ids
    assert rows[0][2] == in_title.pk
    assert [hit.title for hit in search.search("eczema", "en").page][:2] == ["Eczema", "Dry skin"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
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
    total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    assert total == len(rows) == bound + 1
    assert rows[0][2] == in_title.pk


def test_drafts_and_other_languages_take_no_place_among_the_candidates(bound):
    # Written first, so a step that filled its set before leaving them out would leave too few, or none.
    for n in range(bound + 1):
        make_article(title_en=f"Eczema draft {n}", status=Status.DRAFT)
        make_article(title_en=f"Dry skin {n}", title_it=f"Eczema {n}")
    for n in range(bound * 2):
        make_article(title_en=f"Eczema note {n}")
    total, rows = search.get_engine().page(eczema_match(), "en", 0, 50)
    assert total == len(rows) == bound + 1
    assert all(title.startswith("Eczema note") for _id, _kind, _pk, title, _summary, _body in rows)
    results = search.search("eczema", "en")
    assert (results.count, results.capped) == (bound, True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_sqlite_scores_the_candidates_in_one_pass_over_the_match(bound):
    # FTS5 reckons bm25's word frequencies once per pass: a pass per candidate (a rowid lookup, "=" in FTS5's plan)
    # cost more than ranking every match.
    for n in range(bound + 3):
        make_article(title_en=f"Skin note {n}", body_en="Eczema.")
    candidates, params = search.get_engine()._candidates(eczema_match(), "en")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {candidates} SELECT * FROM candidates", params)
        plan = [row[-1] for row in cursor.fetchall()]
    reads = [re.search(r"VIRTUAL TABLE INDEX \d+:(\S*)", line) for line in plan if search.SQLiteEngine.TABLE in line]
    assert len(reads) == 4  # title, title and summary, anywhere, then the scoring pass
    assert all(read and "M" in read[1] and "=" not in read[1] for read in reads)
