"""What patients may see: only published items whose publish time has come, on every page and list."""
import datetime

import pytest
from django.utils import timezone

from education.models import Status

from .factories import make_article, make_faq, make_page, make_procedure, make_topic

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Status.DRAFT},
    "in review": {"status": Status.REVIEW},
    "scheduled": {"publish_at": timezone.now() + datetime.timedelta(hours=1)},
}


@pytest.mark.parametrize("state", HIDDEN)
@pytest.mark.parametrize("make", [make_article, make_procedure, make_page])
def test_unpublished_item_is_404_for_patients(client, make, state):
    item = make(**HIDDEN[state])
    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("make", [make_article, make_procedure, make_page])
def test_published_item_is_shown(client, make):
    item = make()
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert item.title_en in response.text


@pytest.mark.parametrize("state", HIDDEN)
def test_unpublished_items_are_absent_from_lists(client, state):
    topic = make_topic()
    hidden_article = make_article(topics=[topic], title_en="Secret draft article", **HIDDEN[state])
    hidden_procedure = make_procedure(topics=[topic], title_en="Secret draft procedure", **HIDDEN[state])
    make_faq(topic=topic, question_en="Secret draft question?", **HIDDEN[state])
    shown = make_article(topics=[topic], title_en="Visible article")
    shown.procedures.add(hidden_procedure)
    hidden_article.procedures.add(make_procedure(title_en="Visible procedure"))

    pages = ["/en/", topic.get_absolute_url(), "/en/faq/", f"/en/faq/?topic={topic.slug}", "/en/articles/",
             "/en/procedures/", shown.get_absolute_url()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for secret in ("Secret draft article", "Secret draft procedure", "Secret draft question?"):
            assert secret not in response.text, (url, secret)
    assert "Visible article" in client.get(topic.get_absolute_url()).text


def test_scheduled_item_appears_once_its_time_comes(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    article = make_article(publish_at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC))
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
    assert client.get(article.get_absolute_url()).status_code == 200


# Every state an item can be in, and whether patients may see it now.
STATES = {
    "draft": ({"status": Status.DRAFT}, False),
    "in review": ({"status": Status.REVIEW}, False),
    "published now": ({}, True),
    "scheduled": ({"publish_at": timezone.now() + datetime.timedelta(hours=1)}, False),
    "expired": ({"expire_at": timezone.now() - datetime.timedelta(minutes=1)}, False),
    "expiring later": ({"expire_at": timezone.now() + datetime.timedelta(days=1)}, True),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("make", [make_article, make_procedure, make_faq])
def test_the_forms_of_the_published_rule_agree(make, state):
    """published(), is_public, scheduled() and the search index's SQL give the same answer in every state."""
    from django.db import connection

    from search import engine as search

    overrides, visible = dict(STATES[state][0]), STATES[state][1]
    expire_at = overrides.pop("expire_at", None)
    text = {"question_en": "Agreeing quokka?"} if make is make_faq else {"title_en": "Agreeing quokka"}
    item = make(**text, **overrides)
    if expire_at is not None:  # an expiry already past cannot be set through the workflow's publish
        type(item).objects.filter(pk=item.pk).update(expire_at=expire_at)
        item.refresh_from_db()
        search.index_item(item)
    model = type(item)
    assert model.objects.published().filter(pk=item.pk).exists() is visible
    assert item.is_public is visible
    assert model.objects.scheduled().filter(pk=item.pk).exists() is (state == "scheduled")
    condition, params = search._visible_now("d")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.object_id FROM education_searchdocument d WHERE d.kind = %s AND {condition}",
            [search.kind_for_model(model).name, *params],
        )
        indexed = {row[0] for row in cursor.fetchall()}
    assert (item.pk in indexed) is visible
    assert bool(list(search.search("quokka", "en").page)) is visible
