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
    # The local-memory cache outlives each test's database; a page cached by one test must not reach the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
