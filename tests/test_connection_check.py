"""A patient page's first query is also the check of a connection kept from an earlier request
(education/database.py's fetch_all): no separate `SELECT 1` round trip, and a connection that died between requests
is replaced without the patient seeing an error."""
import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from education import database

from .factories import make_article, make_faq, make_procedure, make_topic

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server to drop a connection")


@pytest.fixture
def paths():
    topic = make_topic()
    article = make_article(topics=[topic])
    procedure = make_procedure(topics=[topic])
    make_faq(topic=topic, article=article)
    with translation.override("en"):
        return {
            "article": (article.get_absolute_url(), article.title_en),
            "treatment": (procedure.get_absolute_url(), procedure.title_en),
            "topic": (topic.get_absolute_url(), topic.name_en),
            "home": (reverse("education:home"), article.title_en),
            "questions": (reverse("education:faq"), topic.name_en),
            "search": (f"{reverse('education:search')}?q={article.title_en}", article.title_en),
        }


@pytest.fixture
def young_connection():
    """A connection opened now, so that next_request() does not close it for its age (CONN_MAX_AGE)."""
    connection.close()
    connection.ensure_connection()


def next_request():
    """What Django does when a request starts: a connection kept from the last one is to be checked again."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


@pytest.fixture
def checks(monkeypatch):
    """How many times Django checked the connection on its own."""
    calls = []
    usable = connection.is_usable

    def counted():
        calls.append(1)
        return usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


@pytest.mark.parametrize("page_cache", [False, True])
@pytest.mark.django_db(transaction=True)
def test_a_page_checks_the_connection_with_its_own_first_query(paths, young_connection, checks, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    client = Client()
    for path, text in paths.values():
        client.get(path)  # the connection is open, the page cached or not
        next_request()
        response = client.get(path)
        assert response.status_code == 200
        assert text in response.content.decode()
        assert connection.health_check_done
        assert checks == [], path


@postgresql_only
@pytest.mark.parametrize("page_cache", [False, True])
@pytest.mark.django_db(transaction=True)
def test_a_connection_that_died_between_requests_is_replaced(paths, young_connection, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    client = Client()
    for path, text in paths.values():
        assert client.get(path).status_code == 200
        dead = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:  # as a server restart or a dropped idle connection would
                cursor.execute("SELECT pg_terminate_backend(%s)", [dead])
        finally:
            other.close()
        next_request()
        response = client.get(path)
        assert response.status_code == 200
        assert text in response.content.decode()
        assert connection.connection.info.backend_pid != dead


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_on_a_usable_connection_is_an_error(young_connection, monkeypatch):
    next_request()
    runs = []

    def failing(sql, params, using):
        runs.append(sql)
        raise OperationalError("the read's own failure")

    monkeypatch.setattr(database, "_fetch_all", failing)
    opened = connection.connection
    with pytest.raises(OperationalError, match="own failure"):
        database.fetch_all("SELECT 1", [])
    assert len(runs) == 1
    assert connection.connection is opened


@pytest.mark.django_db
def test_inside_a_transaction_django_checks_as_usual(checks):
    # The connection cannot be replaced there, so the read does not stand in for the check. (Only the flag: a
    # request does not start inside a transaction, and what Django does then would end this one.)
    connection.ensure_connection()
    connection.health_check_done = False
    database.fetch_all("SELECT 1", [])
    assert checks == [1]
