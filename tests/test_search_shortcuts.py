"""The search results page's shortcuts, each checked against the slow way it replaces (search/engine.py, and the
content's prepared read of a page of hits, education/page_data.py)."""
import datetime

import pytest
from django.conf import settings
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation

from education import page_data
from education.models import Status
from search import engine as search

from .factories import make_article, make_faq, make_procedure, make_topic

pytestmark = pytest.mark.django_db

MAKERS = {"article": make_article, "procedure": make_procedure, "faq": make_faq}
SOON = datetime.timedelta(hours=1)


def states(kind_name):
    """Items of one kind, one in each state a patient may or may not see, with the expected visibility."""
    make, now = MAKERS[kind_name], timezone.now()
    extra = {"topic": make_topic()} if kind_name == "faq" else {}
    return {
        make(**extra): True,
        make(**extra, expire_at=now + SOON): True,
        make(**extra, status=Status.DRAFT): False,
        make(**extra, status=Status.REVIEW): False,
        make(**extra, publish_at=now + SOON): False,
        make(**extra, publish_at=now - 2 * SOON, expire_at=now - SOON): False,
    }


def slowly(kind, ids):
    """What a page of results read before: an ORM query built for this page, whole rows, through `visible`."""
    return kind.visible(kind.model._default_manager.filter(pk__in=ids))


def shown(kind, items):
    return sorted((item.pk, kind.read(item, kind.title), kind.url(item)) for item in items)


def test_every_searched_kind_is_checked_here():
    assert set(MAKERS) == set(search.kinds())


@pytest.mark.parametrize("kind_name", sorted(MAKERS))
def test_prepared_read_of_the_items_shown_equals_the_orm_query(kind_name):
    kind = search.kinds()[kind_name]
    expected = states(kind_name)
    ids = [item.pk for item in expected]
    visible = {item.pk for item, patients_see in expected.items() if patients_see}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # Several sizes and orders, so each prepared query (one per number of ids) is used more than once.
            for part in (ids, ids[::-1], ids[:1], ids[2:], ids[1::2], ids[::-2]):
                prepared = search.shown_items(kind, part)
                assert kind.shown is not None  # the content's prepared read, not the fallback
                assert shown(kind, prepared) == shown(kind, slowly(kind, part))
                assert {item.pk for item in prepared} == visible & set(part)


def test_prepared_read_judges_at_each_search_time_not_at_preparation(time_machine, monkeypatch):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    kind = search.kinds()["article"]
    article = make_article(
        title_en="Vitiligo",
        publish_at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC),
        expire_at=datetime.datetime(2026, 5, 1, 11, 0, tzinfo=datetime.UTC),
    )
    monkeypatch.setattr(page_data, "_prepared", {})  # prepared at 9:00, in this test
    assert search.shown_items(kind, [article.pk]) == []
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    assert [item.pk for item in search.shown_items(kind, [article.pk])] == [article.pk]
    time_machine.move_to(datetime.datetime(2026, 5, 1, 11, 0, tzinfo=datetime.UTC), tick=False)
    assert search.shown_items(kind, [article.pk]) == []


def test_a_kind_without_a_prepared_read_reads_through_its_visible_rule():
    kind = search.kinds()["article"]
    plain = search.registry.Kind(**{**kind.__dict__, "shown": None})
    items = states("article")
    ids = [item.pk for item in items]
    assert shown(plain, search.shown_items(plain, ids)) == shown(kind, search.shown_items(kind, ids))
    assert {item.pk for item in search.shown_items(plain, ids)} == {item.pk for item, seen in items.items() if seen}


def test_a_prepared_query_takes_the_ids_it_was_prepared_for():
    kind = search.kinds()["article"]
    search.shown_items(kind, [1, 2])
    query = page_data._prepared[(("search", "education.Article", 2), settings.LANGUAGE_CODE, "default")]
    with pytest.raises(ValueError, match="prepared for 2 ids"):
        query.rows(ids=[1])
    with pytest.raises(ValueError, match="at most"):
        page_data.stand_in_ids(page_data.MAX_IDS + 1)


def test_hit_addresses_are_what_reverse_gives():
    # Each kind's registered `address` (education/addresses.py keeps the routes) against reverse() itself.
    # The same slug in every language: only the language tells the addresses apart.
    article = make_article(slug_en="same-slug", slug_it="same-slug")
    items = {
        "article": article,
        "procedure": make_procedure(slug_en="same-slug", slug_it="same-slug"),
        "faq": make_faq(topic=make_topic()),
    }
    original = get_script_prefix()
    try:
        for kind_name, item in items.items():
            kind = search.kinds()[kind_name]
            addresses = set()
            for prefix in ("/", "/clinic/"):
                set_script_prefix(prefix)
                for code, _name in settings.LANGUAGES:
                    with translation.override(code):
                        kwargs = {name: getattr(item, name) for name in kind.url_kwargs}
                        expected = reverse(kind.url_name, kwargs=kwargs)
                        assert [kind.url(item), kind.url(item)] == [expected, expected]  # the second from what is kept
                        addresses.add(expected)
            assert len(addresses) == 2 * len(settings.LANGUAGES)
        kind = search.kinds()["article"]
        before = kind.url(article)
        setattr(article, f"slug_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}", "renamed")
        assert kind.url(article) == reverse(kind.url_name, kwargs={"slug": "renamed"}) != before
    finally:
        set_script_prefix(original)
