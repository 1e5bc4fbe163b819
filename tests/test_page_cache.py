"""Anonymous pages come from the cache until what patients may see changes, and never a moment longer.

A request served from the cache makes exactly one database query, the read of the content versions that mark a page
stale on every worker; the tests use that to tell a hit from a render.
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

from .factories import make_article, make_clinic, make_clinician, make_faq, make_page, make_procedure, make_topic

pytestmark = pytest.mark.django_db

# The content versions, read in one indexed query; a hit asks the database nothing else.
HIT_QUERIES = 1
NINE = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clinic(settings):
    settings.PAGE_CACHE = True
    make_clinic()


def cached_get(client, url, django_assert_num_queries):
    """Fetch `url` twice; the second answer must be the cached copy of the first."""
    first = client.get(url)
    with django_assert_num_queries(HIT_QUERIES):
        second = client.get(url)
    assert second.content == first.content
    return second


def renders(client, url):
    """True when answering `url` took the database, i.e. the answer was not a cached copy."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries) > HIT_QUERIES


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
    with django_assert_num_queries(HIT_QUERIES):
        assert "Scheduled advice" not in client.get(url).text

    time_machine.move_to(NINE + datetime.timedelta(hours=1), tick=False)
    assert "Scheduled advice" in client.get(url).text


def test_next_moment_a_page_changes_is_the_earliest_of_every_content_type(time_machine, monkeypatch):
    """The moment stored with the versions (education/cache.py) comes from a query prepared once per process: it is
    the earliest coming start or end among published items of every type, whatever their state, at each moment."""
    from education import registry
    from education.cache import _scheduled_moment
    from education.models import PublishableQuerySet

    time_machine.move_to(NINE, tick=False)
    hour = datetime.timedelta(hours=1)
    make_article(publish_at=NINE + 5 * hour)  # scheduled
    make_procedure(publish_at=NINE - hour, expire_at=NINE + 3 * hour)  # live until then
    make_faq(publish_at=NINE + 2 * hour, status=Status.DRAFT)  # not published: never counts
    make_page(publish_at=NINE - 2 * hour, expire_at=NINE - hour)  # already gone
    make_article(publish_at=NINE + 4 * hour, expire_at=NINE + 4 * hour)  # ends as it starts: never shown

    def orm_moment():
        querysets = [model.objects.boundaries() for model in registry.models()]
        first = querysets[0].union(*querysets[1:]).order_by("moment").first()
        return first and first["moment"]

    built = []
    library_boundaries = PublishableQuerySet.boundaries
    monkeypatch.setattr(PublishableQuerySet, "boundaries", lambda self, now=None: built.append(now) or
                        library_boundaries(self, now))
    for moment, expected in [(NINE, NINE + 3 * hour), (NINE + 3 * hour, NINE + 4 * hour),
                             (NINE + 4 * hour, NINE + 5 * hour), (NINE + 5 * hour, None)]:
        time_machine.move_to(moment, tick=False)
        _scheduled_moment()  # prepared by now, whichever test ran first
        built.clear()
        assert _scheduled_moment() == expected
        assert not built  # no query built again
        assert orm_moment() == expected


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
    redis = cache_from_url("redis://cache:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache:6379/1"
    # A cache that stops answering holds a request for half a second at most, then the page is served uncached.
    assert redis["OPTIONS"]["socket_timeout"] == redis["OPTIONS"]["socket_connect_timeout"] == 0.5
    assert cache_from_url("memcached://a:11211,b:11211")["LOCATION"] == ["a:11211", "b:11211"]
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CACHE_URL"):
        cache_from_url("mysql://nope")


def test_editing_an_article_leaves_other_item_pages_cached(client, django_assert_num_queries):
    edited, other = make_article(title_en="Edited"), make_article(title_en="Untouched")
    procedure = make_procedure(title_en="Unrelated treatment")
    for url in (edited.get_absolute_url(), other.get_absolute_url(), procedure.get_absolute_url()):
        cached_get(client, url, django_assert_num_queries)
    edited.title_en = "Edited again"
    edited.save()
    for url in (other.get_absolute_url(), procedure.get_absolute_url()):
        with django_assert_num_queries(HIT_QUERIES):
            client.get(url)
    assert "Edited again" in client.get(edited.get_absolute_url()).text
    assert "Edited again" in client.get("/en/").text


def test_unpublishing_an_article_refreshes_the_treatment_page_that_lists_it(
    client, admin_user, django_assert_num_queries
):
    procedure = make_procedure()
    article = make_article(title_en="Related advice")
    article.procedures.add(procedure)
    assert "Related advice" in cached_get(client, procedure.get_absolute_url(), django_assert_num_queries).text
    services.unpublish(item=article, user=admin_user)
    assert "Related advice" not in client.get(procedure.get_absolute_url()).text


def test_a_question_moved_to_another_article_leaves_the_first_article_page(client, django_assert_num_queries):
    first, second = make_article(), make_article()
    faq = make_faq(article=first, question_en="Moving question?")
    assert "Moving question?" in cached_get(client, first.get_absolute_url(), django_assert_num_queries).text
    cached_get(client, second.get_absolute_url(), django_assert_num_queries)
    faq.article = second
    faq.save()
    assert "Moving question?" not in client.get(first.get_absolute_url()).text
    assert "Moving question?" in client.get(second.get_absolute_url()).text


def test_a_new_address_leaves_nothing_at_the_old_one(client, django_assert_num_queries):
    article = make_article(slug_en="old-address")
    cached_get(client, "/en/articles/old-address/", django_assert_num_queries)
    article.slug_en = "new-address"
    article.save()
    assert client.get("/en/articles/old-address/").status_code == 404
    assert client.get("/en/articles/new-address/").status_code == 200


def test_renaming_a_topic_refreshes_every_page(client, django_assert_num_queries):
    topic = make_topic(name_en="Old topic name")
    article = make_article(topics=[topic])
    assert "Old topic name" in cached_get(client, article.get_absolute_url(), django_assert_num_queries).text
    topic.name_en = "New topic name"
    topic.save()
    assert "New topic name" in client.get(article.get_absolute_url()).text


def test_unpublishing_a_footer_page_removes_it_from_every_page(client, admin_user, django_assert_num_queries):
    page = make_page(title_en="About the service")
    article = make_article()
    assert "About the service" in cached_get(client, article.get_absolute_url(), django_assert_num_queries).text
    services.unpublish(item=page, user=admin_user)
    assert "About the service" not in client.get(article.get_absolute_url()).text


def test_a_broken_cache_serves_pages_uncached_and_logs_it(client, settings, monkeypatch, caplog):
    from education import cache as page_cache

    from .serving import free_port

    monkeypatch.setattr(page_cache, "_cache_down_until", 0.0)  # restored after the test, for the tests that follow
    closed = free_port()
    settings.CACHES = {"default": cache_from_url(f"redis://127.0.0.1:{closed}/0")}
    article = make_article(title_en="Still readable")
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200 and "Still readable" in response.text
    assert "Page cache read failed; serving pages uncached" in caplog.text
