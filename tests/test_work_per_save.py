"""One admin save runs the content checks once and makes cached pages stale once (issue #17: it was 3 and 5)."""
import pytest
from django.urls import reverse

from education import cache, models
from education.models import Status

from .factories import make_article, make_clinician, make_procedure, make_staff, make_topic
from .utils import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    counts = {"checks": 0, "bumps": 0}

    def counting(name, module, attribute):
        original = getattr(module, attribute)

        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, attribute, wrapper)

    counting("checks", models, "quality_report")
    counting("bumps", cache, "bump")
    return counts


@pytest.fixture
def reviewer(client):
    user = make_staff("rev-count", "Clinical reviewers")
    make_clinician(name="Dr Count", user=user)
    client.force_login(user)
    return user


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
@pytest.mark.parametrize("make", [make_article, make_procedure])
def test_an_admin_save_checks_once_and_bumps_once(client, reviewer, counted, make, status):
    item = make(status=status, topics=[make_topic()])
    url = reverse(f"admin:education_{item._meta.model_name}_change", args=[item.pk])
    data = form_data(client.get(url).text) | {"title_en": "Counted title", "acknowledge_claims": "on"}
    counted.update(checks=0, bumps=0)
    assert client.post(url, data).status_code == 302
    assert counted == {"checks": 1, "bumps": 1}


def test_changing_the_links_of_a_draft_still_bumps_once(client, reviewer, counted):
    item = make_article(status=Status.DRAFT, topics=[make_topic()])
    url = reverse("admin:education_article_change", args=[item.pk])
    data = form_data(client.get(url).text) | {"topics": [str(make_topic().pk)], "body_en": "Changed body."}
    counted.update(checks=0, bumps=0)
    assert client.post(url, data).status_code == 302
    assert list(item.topics.all()) != [] and counted == {"checks": 1, "bumps": 1}
