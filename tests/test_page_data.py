"""An article's or treatment's page reads its related lists in the item's own query (education/page_data.py): the
lists must be exactly what the ORM's own queries through `published()` give, in the same order, in every language."""
import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from education import page_data
from education.models import Article, ProcedureNote, Status

from .factories import make_article, make_clinician, make_faq, make_procedure, make_source, make_topic

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Status.DRAFT},
    "in review": {"status": Status.REVIEW},
    "scheduled": {"publish_at": timezone.now() + datetime.timedelta(hours=1)},
    "expired": {"expire_at": timezone.now() - datetime.timedelta(minutes=1)},
}


@pytest.fixture
def linked():
    """An article and a treatment linked to each other and to shown and hidden items of every kind."""
    clinician = make_clinician()
    topics = [make_topic(order=2, name_en="Beta", name_it="Zeta"), make_topic(order=1), make_topic(order=2,
              name_en="Alpha", name_it="Omega")]
    article = make_article(topics=topics, reviewed_by=clinician)
    procedure = make_procedure(topics=topics[:2], reviewed_by=clinician)
    article.sources.set([make_source(publisher="B"), make_source(publisher="A", title="Z"),
                         make_source(publisher="A", title="Y", year=None, url="")])
    procedure.sources.set([make_source()])
    shown_procedures = [make_procedure(title_en="Zulu", title_it="Alfa"), make_procedure(title_en="Alpha",
                        title_it="Zeta"), procedure]
    article.procedures.set(shown_procedures)
    for when in (3, 1, 2):
        newer = make_article(publish_at=timezone.now() - datetime.timedelta(days=when))
        newer.procedures.add(procedure)
    for n in range(3):
        make_faq(topic=topics[n], article=article, procedure=procedure, order=3 - n, reviewed_by=clinician)
    for state, hidden in HIDDEN.items():
        article.procedures.add(make_procedure(title_en=f"Hidden {state}", **hidden))
        make_article(title_en=f"Hidden {state}", **hidden).procedures.add(procedure)
        make_faq(topic=topics[0], article=article, procedure=procedure, question_en=f"Hidden {state}?", **hidden)
    return article, procedure


def orm_lists(item):
    """The same lists through the ORM's own queries, one each, as the page read them before."""
    from education.views import RELATED_ARTICLES, published_articles, published_faqs, published_procedures

    lists = {
        "topics": list(item.topics.all()),
        "sources": list(item.sources.all()),
        "faqs": list(published_faqs().filter(**{type(item)._meta.model_name.replace("note", ""): item})),
    }
    if isinstance(item, Article):
        lists["procedures"] = list(published_procedures().filter(articles=item))
    else:
        lists["newest"] = list(published_articles().filter(procedures=item)[: RELATED_ARTICLES + 1])
    return lists


def one_query_lists(item, django_assert_num_queries):
    model = type(item)
    connection.features.supports_json_field  # noqa: B018 (Django asks the database once per connection)
    with django_assert_num_queries(1):
        filled = page_data.fill(page_data.related_lists(model.objects.filter(pk=item.pk), model).get())
    lists = {name: list(getattr(filled, name).all()) for name in ("topics", "sources", "faqs")}
    if isinstance(item, Article):
        lists["procedures"] = list(filled.procedures.all())
    else:
        lists["newest"] = filled.newest_articles
    return lists


@pytest.mark.parametrize("kind", ["article", "procedure"])
def test_one_query_gives_the_orm_lists_in_every_language(linked, kind, django_assert_num_queries):
    item = linked[0] if kind == "article" else linked[1]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            fetched = one_query_lists(item, django_assert_num_queries)
            expected = orm_lists(item)
            assert {name: [obj.pk for obj in objects] for name, objects in fetched.items()} == {
                name: [obj.pk for obj in objects] for name, objects in expected.items()
            }
            # What the page prints of each, read without another query.
            with django_assert_num_queries(0):
                shown = [(t.name, t.get_absolute_url()) for t in fetched["topics"]]
                shown += [(s.title, s.publisher, s.year, s.url) for s in fetched["sources"]]
                shown += [(f.question, f.html("answer"), f.review["clinician"].role, f.review["date"])
                          for f in fetched["faqs"]]
                shown += [(i.title, i.summary, i.get_absolute_url())
                          for i in fetched.get("procedures", fetched.get("newest"))]
            assert shown == (
                [(t.name, t.get_absolute_url()) for t in expected["topics"]]
                + [(s.title, s.publisher, s.year, s.url) for s in expected["sources"]]
                + [(f.question, f.html("answer"), f.review["clinician"].role, f.review["date"])
                   for f in expected["faqs"]]
                + [(i.title, i.summary, i.get_absolute_url())
                   for i in expected.get("procedures", expected.get("newest"))]
            )


@pytest.mark.parametrize("kind", ["article", "procedure"])
def test_item_pages_show_only_published_related_items(linked, kind):
    item = linked[0] if kind == "article" else linked[1]
    client = Client()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            url = item.get_absolute_url()
        text = client.get(url).text
        assert "Question" in text or "Domanda" in text
        for state in HIDDEN:
            assert f"Hidden {state}" not in text, (url, state)


def test_treatment_page_lists_its_newest_articles_first(linked):
    procedure = linked[1]
    model = ProcedureNote
    filled = page_data.fill(page_data.related_lists(model.objects.filter(pk=procedure.pk), model).get())
    dates = [article.publish_at for article in filled.newest_articles]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4  # three newer ones and the linked article


def test_a_prepared_query_reads_the_clock_and_the_slug_of_each_request(client, time_machine, settings):
    """Built once, run many times: a scheduled article appears at its time on the home page and its own page, and
    each address finds its own item, though the SQL was compiled on an earlier request."""
    settings.PAGE_CACHE = False
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    shown = make_article(title_en="Shown already")
    later = make_article(title_en="Shown at ten", publish_at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC))
    home = client.get("/en/").text
    assert "Shown already" in home and "Shown at ten" not in home
    assert client.get(later.get_absolute_url()).status_code == 404
    assert "Shown already" in client.get(shown.get_absolute_url()).text
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    assert "Shown at ten" in client.get("/en/").text
    page = client.get(later.get_absolute_url())
    assert page.status_code == 200 and "Shown at ten" in page.text and "Shown already" not in page.text


def test_a_prepared_query_that_reads_the_clock_itself_is_refused():
    """A query that took the time from the clock instead of build(now) would keep that moment on every request."""
    with pytest.raises(RuntimeError):
        page_data.PreparedQuery(lambda now: Article.objects.published().listed(), "default")
    page_data.PreparedQuery(lambda now: Article.objects.published(now).listed(), "default")  # the same, done right
