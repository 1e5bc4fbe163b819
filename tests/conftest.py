import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    # Tests start in the default language whatever an earlier test activated.
    with translation.override("en"):
        yield
