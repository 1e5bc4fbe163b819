"""An article's or treatment's page reads its related lists in the item's own query, a topic page and the questions
list theirs in one query each (education/page_data.py): the lists must be exactly what the ORM's own queries through
`published()` give, in the same order, in every language."""
import datetime
import json

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import signals
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from education import page_data
from education.models import FAQ, Article, Clinician, ProcedureNote, Source, Status, Topic

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


# Topic pages and the questions list (page_data.topic_page, faq_page), with lists short enough that a handful of items
# spans several pages and passes each cap.
@pytest.fixture
def short_lists(monkeypatch):
    for name in ("ITEMS_PER_PAGE", "FAQS_PER_PAGE", "TOPIC_PROCEDURES", "TOPIC_FAQS"):
        monkeypatch.setattr(page_data, name, 2)
    monkeypatch.setattr(page_data, "_prepared", {})  # queries prepared with the real lengths would be reused


@pytest.fixture
def topic_library():
    """A topic (another one sorted before it, and one without an Italian slug) with shown and hidden articles,
    treatments and questions, each list longer than two pages of two."""
    clinician, other_clinician = make_clinician(), make_clinician(name="Other", role_en="Nurse", role_it="Infermiere")
    topic = make_topic(order=2, name_en="Acne", name_it="Acne (it)")
    before = make_topic(order=1, name_en="Zoster", name_it="Zoster (it)")
    english_only = make_topic(order=3, slug_it=None)
    for days in (5, 1, 3, 2, 4):
        make_article(topics=[topic, before], publish_at=timezone.now() - datetime.timedelta(days=days))
    for title in ("Zulu", "Alpha", "Mike", "Bravo", "Echo"):
        make_procedure(topics=[topic], title_en=title, title_it=f"{title[::-1]} (it)")
    for n in range(5):
        make_faq(topic=topic, order=5 - n, reviewed_by=clinician if n % 2 else other_clinician)
        make_faq(topic=before, order=n, reviewed_by=clinician)
    make_faq(topic=english_only)
    for state, hidden in HIDDEN.items():
        make_article(topics=[topic], title_en=f"Hidden {state}", **hidden)
        make_procedure(topics=[topic], title_en=f"Hidden {state}", **hidden)
        make_faq(topic=topic, question_en=f"Hidden {state}?", order=0, **hidden)
    return topic, english_only


PAGE_NUMBERS = ("1", "2", "3", "4", "0", "-1", "x", "2.0", "99999999999999999999", None)


def _ids(objects):
    return [obj.pk for obj in objects]


def _card(item):
    return item.title, item.summary, item.get_absolute_url()


def _question(faq):
    return faq.question, faq.html("answer"), faq.review["clinician"].role, faq.review["date"], faq.topic_id


def test_topic_page_query_gives_the_orm_lists_in_every_language(
    topic_library, short_lists, django_assert_num_queries, django_assert_max_num_queries
):
    from education.views import published_articles, published_faqs, published_procedures

    topic = topic_library[0]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            slug = Topic.objects.get(pk=topic.pk).slug
            expected_procedures = list(published_procedures().filter(topics=topic)[:3])
            expected_faqs = list(published_faqs().filter(topic=topic)[:3])
            assert len(expected_procedures) == len(expected_faqs) == 3  # one more than the page shows
            for number in PAGE_NUMBERS:
                expected = Paginator(published_articles().filter(topics=topic), 2).get_page(number)
                connection.features.supports_json_field  # noqa: B018
                # One query, or two for a page the first guess missed (beyond the end, or 0 meaning the last).
                with django_assert_max_num_queries(2 if number in ("4", "0", "-1", "99999999999999999999") else 1):
                    fetched = page_data.topic_page(slug, number)
                assert fetched.pk == topic.pk and fetched.name == topic.name
                page = fetched.articles_page
                assert (page.number, page.paginator.count, page.paginator.num_pages) == (
                    expected.number, expected.paginator.count, expected.paginator.num_pages)
                assert _ids(page) == _ids(expected)
                with django_assert_num_queries(0):  # what the cards print comes with the rows
                    assert [_card(a) for a in page] == [_card(a) for a in expected]
                assert _ids(fetched.first_procedures) == _ids(expected_procedures)
                assert _ids(fetched.first_faqs) == _ids(expected_faqs)
                with django_assert_num_queries(0):
                    assert [_card(p) for p in fetched.first_procedures] == [_card(p) for p in expected_procedures]
                    assert [_question(f) for f in fetched.first_faqs] == [_question(f) for f in expected_faqs]
            assert page_data.topic_page("no-such-topic", "1") is None
    # One compiled query per language serves every page of every topic.
    assert sorted(key for key in page_data._prepared if key[0] == "topic") == [
        ("topic", code, "default") for code in sorted(code for code, _name in settings.LANGUAGES)
    ]


def test_faq_page_query_gives_the_orm_list_in_every_language(
    topic_library, short_lists, django_assert_num_queries
):
    from education.views import published_faqs

    topic, english_only = topic_library
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            slugs = {
                None: None,
                Topic.objects.get(pk=topic.pk).slug: topic,
                english_only.slug_en: english_only,  # no slug in this language (Italian): the English one finds it
                "no-such-topic": None,
            }
            for slug, expected_topic in slugs.items():
                faqs = published_faqs().select_related("topic")
                if expected_topic is not None:
                    faqs = faqs.filter(topic=expected_topic)
                for number in PAGE_NUMBERS:
                    expected = Paginator(faqs, 2).get_page(number)
                    page, found = page_data.faq_page(slug, number)
                    assert found == expected_topic
                    assert (page.number, page.paginator.count) == (expected.number, expected.paginator.count)
                    assert _ids(page) == _ids(expected)
                    with django_assert_num_queries(0):
                        shown = [(*_question(f), f.topic.pk, f.topic.name) for f in page]
                    assert shown == [(*_question(f), f.topic.pk, f.topic.name) for f in expected]
                    for faq in page:
                        assert "Hidden" not in faq.question
    assert sorted({key[0] for key in page_data._prepared}) == ["faqs", "faqs-of-topic"]


def test_topic_and_questions_pages_show_no_hidden_item(topic_library, client, settings):
    settings.PAGE_CACHE = False
    topic = topic_library[0]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls = [topic.get_absolute_url(), f"{reverse('education:faq')}?topic={topic.slug}",
                    reverse("education:faq")]
        for url in urls:
            for number in ("1", "2", "3"):
                text = client.get(f"{url}{'&' if '?' in url else '?'}page={number}").text
                for state in HIDDEN:
                    assert f"Hidden {state}" not in text, (url, number, state)


def test_questions_json_ld_follows_an_edited_answer_at_once(client, settings):
    """The answers' plain text is memoised by their HTML (education/text.py html_text): an edit is a new key."""
    settings.PAGE_CACHE = False
    faq = make_faq(answer_en="It stings a little.")

    def answers():
        text = client.get(reverse("education:faq")).text
        data = json.loads(text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        return [question["acceptedAnswer"]["text"] for question in data["mainEntity"]]

    assert answers() == answers() == ["It stings a little."]
    faq.answer_en = "Not at all."
    faq.save()
    assert answers() == ["Not at all."]


def _made_both_ways(monkeypatch):
    """Every instance the pages make from a row (a JSON row of a list, or a prepared query's), compared as it is
    made with the one `from_db()` makes of the same columns; returns (model, made without __init__) of each."""
    made = []
    fast = page_data.make

    def both(model, attnames, values, settable, using=DEFAULT_DB_ALIAS, fetch_mode=None):
        obj = fast(model, attnames, values, settable, using, fetch_mode)
        slow = model.from_db(using, attnames, values, fetch_mode=fetch_mode)
        assert {name: value for name, value in vars(obj).items() if name != "_state"} == {
            name: value for name, value in vars(slow).items() if name != "_state"
        }
        # An empty cache of related objects is made when first read: present or not, the same state.
        state = [{name: value for name, value in vars(o._state).items() if value != {}} for o in (obj, slow)]
        assert state[0] == state[1] and obj.get_deferred_fields() == slow.get_deferred_fields()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                assert str(obj) == str(slow)
        made.append((model, settable))
        return obj

    monkeypatch.setattr(page_data, "make", both)
    return made


def test_a_row_makes_the_instance_from_db_makes(linked, topic_library, client, settings, monkeypatch):
    settings.PAGE_CACHE = False
    made = _made_both_ways(monkeypatch)
    article, procedure = linked
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls = [article.get_absolute_url(), procedure.get_absolute_url(), topic_library[0].get_absolute_url(),
                    reverse("education:faq"), reverse("education:home")]
        for url in urls:
            assert client.get(url).status_code == 200
    # Lists and the questions' and topics' own rows are made without __init__; an article's row (a translated
    # foreign key: the reviewer of each language) by from_db().
    assert {model for model, settable in made if settable} >= {Topic, Article, ProcedureNote, FAQ, Clinician, Source}
    assert (Article, False) in made


@pytest.mark.parametrize("signal", [signals.pre_init, signals.post_init])
def test_a_model_whose_rows_need_its_constructor_gets_it(linked, client, settings, monkeypatch, signal):
    settings.PAGE_CACHE = False
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    monkeypatch.setattr(page_data, "_plans", {})  # plans made now see the receiver
    signal.connect(count, sender=Topic)
    try:
        assert client.get(linked[0].get_absolute_url()).status_code == 200
    finally:
        signal.disconnect(count, sender=Topic)
    assert built.count(Topic) == linked[0].topics.count()
