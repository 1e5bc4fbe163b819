import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    # Tests start in the default language whatever an earlier test activated.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    # The local-memory cache and the process's copies outlive each test's database; what one test cached must not
    # reach the next.
    from django.core.cache import cache

    from education.cache import forget_kept

    cache.clear()
    forget_kept()
    yield
    cache.clear()
    forget_kept()



# Tests that start gunicorn (a minute or more each) run first: spread over several workers (make test's -n), the
# quick tests fill in around them instead of one worker finishing a slow test alone at the end. The order within
# each group is kept.
SLOW_MARKERS = ("served", "concurrency")


def _flushes_database(item):
    """Whether the test commits for real, so the database is emptied after it (live server, transaction=True)."""
    if {"transactional_db", "live_server"} & set(item.fixturenames):
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Before `-m` selects: make test runs the tests that empty the database in a pytest run of their own, after the
    # others. Emptying drops what the migrations wrote; pytest-django runs such tests last in one process, but spread
    # over workers, a worker could run a test that needs those rows after one that emptied its database.
    for item in items:
        if _flushes_database(item):
            item.add_marker("flushes_database")
    items.sort(key=lambda item: not any(item.get_closest_marker(name) for name in SLOW_MARKERS))
