"""Anonymous pages come from the cache until what patients may see changes, and never a moment longer.

A request served from the cache makes no database query at all; the tests use that to tell a hit from a render.
"""
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.settings import cache_from_url
from education import services
from education.cache import is_cacheable_response
from education.models import Article, Status

from .factories import make_article, make_clinic, make_clinician, make_topic

pytestmark = pytest.mark.django_db

NINE = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clinic(settings):
    settings.PAGE_CACHE = True
    make_clinic()


def cached_get(client, url, django_assert_num_queries):
    """Fetch `url` twice; the second answer must be the cached copy of the first."""
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    return second


def renders(client, url):
    """True when answering `url` took the database, i.e. the answer was not a cached copy."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries) > 0


def test_anonymous_page_is_served_from_cache_in_each_language(client, django_assert_num_queries):
    article = make_article(title_en="Sun care", title_it="Protezione solare")
    english = cached_get(client, article.get_absolute_url(), django_assert_num_queries)
    italian = cached_get(client, "/it/", django_assert_num_queries)
    assert "Sun care" in english.text
    assert "Protezione solare" in italian.text


def test_cached_response_sets_no_cookie(client, django_assert_num_queries):
    response = cached_get(client, make_article().get_absolute_url(), django_assert_num_queries)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_response_that_sets_a_cookie_or_is_private_is_not_stored():
    request = RequestFactory().get("/en/")
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("csrftoken", "abc")
    private = HttpResponse("x", headers={"Cache-Control": "private, no-store"})
    assert is_cacheable_response(request, HttpResponse("x"))
    assert not is_cacheable_response(request, with_cookie)
    assert not is_cacheable_response(request, private)


def test_saving_an_article_refreshes_its_pages_at_once(client, django_assert_num_queries):
    topic = make_topic()
    article = make_article(topics=[topic], title_en="Old title")
    urls = [article.get_absolute_url(), topic.get_absolute_url(), "/en/"]
    for url in urls:
        cached_get(client, url, django_assert_num_queries)
    article.title_en = "New title"
    article.save()
    for url in urls:
        text = client.get(url).text
        assert "New title" in text and "Old title" not in text, url


def test_publishing_shows_the_item_at_once(client, admin_user, django_assert_num_queries):
    topic = make_topic()
    draft = make_article(topics=[topic], title_en="Fresh advice", status=Status.DRAFT)
    assert "Fresh advice" not in cached_get(client, topic.get_absolute_url(), django_assert_num_queries).text
    assert client.get(draft.get_absolute_url()).status_code == 404
    make_clinician(user=admin_user)  # publishing needs a clinician's approval of the English text
    services.approve(item=draft, user=admin_user, language="en", seen=draft.digest("en"))
    services.publish(item=draft, user=admin_user)
    assert "Fresh advice" in client.get(topic.get_absolute_url()).text
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_unpublishing_hides_the_item_at_once(client, admin_user, django_assert_num_queries):
    article = make_article(title_en="Withdrawn advice")
    cached_get(client, article.get_absolute_url(), django_assert_num_queries)
    assert "Withdrawn advice" in cached_get(client, "/en/", django_assert_num_queries).text
    services.unpublish(item=article, user=admin_user)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Withdrawn advice" not in client.get("/en/").text


def test_deleting_hides_the_item_at_once(client, django_assert_num_queries):
    article = make_article(title_en="Deleted advice")
    url = article.get_absolute_url()
    cached_get(client, url, django_assert_num_queries)
    article.delete()
    assert client.get(url).status_code == 404
    assert "Deleted advice" not in client.get("/en/").text


def test_linking_an_article_to_a_topic_refreshes_the_topic(client, django_assert_num_queries):
    topic = make_topic()
    article = make_article(title_en="Newly linked")
    assert "Newly linked" not in cached_get(client, topic.get_absolute_url(), django_assert_num_queries).text
    article.topics.add(topic)
    assert "Newly linked" in client.get(topic.get_absolute_url()).text


def test_scheduled_article_appears_exactly_at_its_time_though_the_page_was_cached(
    client, time_machine, django_assert_num_queries
):
    time_machine.move_to(NINE, tick=False)
    topic = make_topic()
    make_article(topics=[topic], title_en="Scheduled advice", publish_at=NINE + datetime.timedelta(hours=1))
    url = topic.get_absolute_url()
    assert "Scheduled advice" not in cached_get(client, url, django_assert_num_queries).text

    time_machine.move_to(NINE + datetime.timedelta(minutes=59, seconds=59), tick=False)
    with django_assert_num_queries(0):
        assert "Scheduled advice" not in client.get(url).text

    time_machine.move_to(NINE + datetime.timedelta(hours=1), tick=False)
    assert "Scheduled advice" in client.get(url).text


def test_draft_is_never_cached_even_after_a_staff_preview(client, admin_client):
    draft = make_article(title_en="Unfinished draft", status=Status.DRAFT)
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Unfinished draft" in preview.text
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unfinished draft" not in client.get("/en/").text


def test_staff_request_is_not_served_from_the_cache(client, admin_client, django_assert_num_queries):
    article = make_article(title_en="Before")
    url = article.get_absolute_url()
    cached_get(client, url, django_assert_num_queries)
    # A write that sends no signal leaves the anonymous copy stale; staff must see the database.
    Article.objects.filter(pk=article.pk).update(title_en="After")
    assert "After" in admin_client.get(url).text


def test_staff_response_is_not_stored(client, admin_client):
    make_article()
    admin_client.get("/en/")
    assert renders(client, "/en/")


def test_a_staff_write_refreshes_pages_even_without_a_model_signal(client, admin_client, django_assert_num_queries):
    article = make_article(title_en="Before")
    url = article.get_absolute_url()
    cached_get(client, url, django_assert_num_queries)
    Article.objects.filter(pk=article.pk).update(title_en="After")
    admin_client.post(reverse("admin:education_article_changelist"), {"action": "", "select_across": "0"})
    assert "After" in client.get(url).text


def test_request_with_a_session_cookie_is_not_served_from_cache(client, django_assert_num_queries, settings):
    url = make_article().get_absolute_url()
    cached_get(client, url, django_assert_num_queries)
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    assert renders(client, url)


def test_admin_is_never_cached(admin_client):
    url = reverse("admin:education_article_changelist")
    admin_client.get(url)
    admin_client.logout()
    # Were the list page cached, this anonymous request would get it instead of a redirect to the login page.
    assert admin_client.get(url).status_code == 302


def test_sitemap_is_cached_until_content_changes(client, admin_user, django_assert_num_queries):
    article = make_article(slug_en="first-article")
    assert "first-article" in cached_get(client, "/sitemap.xml", django_assert_num_queries).text
    make_article(slug_en="second-article")
    assert "second-article" in client.get("/sitemap.xml").text
    services.unpublish(item=article, user=admin_user)
    assert "first-article" not in client.get("/sitemap.xml").text


def test_healthz_is_constant_and_not_cached(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"


def test_cache_backend_follows_the_cache_url():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("redis://cache:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
    }
    assert cache_from_url("memcached://a:11211,b:11211")["LOCATION"] == ["a:11211", "b:11211"]
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CACHE_URL"):
        cache_from_url("mysql://nope")
