"""Staff edit every model in both languages through the admin."""
import datetime

import pytest
from django.urls import reverse

from education.models import Article, Status

from .factories import make_article, make_clinician, make_topic, sign_live
from .utils import form_data

pytestmark = pytest.mark.django_db

MODELS = ["article", "procedurenote", "faq", "page", "topic", "clinician", "source", "clinic"]


@pytest.mark.parametrize("model", MODELS)
def test_add_and_changelist_pages_load(admin_client, model):
    assert admin_client.get(reverse(f"admin:education_{model}_add")).status_code == 200
    assert admin_client.get(reverse(f"admin:education_{model}_changelist")).status_code == 200


def test_article_form_has_both_language_fields_and_local_jquery_ui(admin_client):
    html = admin_client.get(reverse("admin:education_article_add")).text
    for field in ("title_en", "title_it", "slug_en", "slug_it", "body_en", "body_it"):
        assert f'name="{field}"' in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html


def test_article_is_added_in_both_languages(admin_client, client):
    topic = make_topic()
    clinician = make_clinician()
    data = {
        "title_en": "Sun safety",
        "title_it": "Proteggersi dal sole",
        "slug_en": "sun-safety",
        "slug_it": "proteggersi-dal-sole",
        "summary_en": "How to protect your skin.",
        "summary_it": "Come proteggere la pelle.",
        "body_en": "Use sunscreen every day.",
        "body_it": "Usa la crema solare ogni giorno.",
        "topics": [topic.pk],
        "status": Status.PUBLISHED,
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
        "reviewed_by": clinician.pk,
        "last_reviewed": "2026-01-01",
    }
    response = admin_client.post(reverse("admin:education_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug_en="sun-safety")
    assert article.title_it == "Proteggersi dal sole"
    # Publishing is a workflow step after an approval of each language (tests/test_signoff.py), not a form field.
    assert article.status == Status.DRAFT
    sign_live(article, clinician, datetime.date(2026, 1, 1))
    assert str(article.next_review_due) == "2027-01-01"
    assert "Usa la crema solare" in client.get("/it/articoli/proteggersi-dal-sole/").text


def test_article_change_keeps_the_other_language(admin_client):
    article = make_article(status=Status.DRAFT)
    url = reverse("admin:education_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text) | {"title_it": "Titolo nuovo"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title_it == "Titolo nuovo"
    assert article.title_en.startswith("Article")


def test_duplicate_slug_in_one_language_is_a_form_error(admin_client):
    make_article(slug_it="stesso-indirizzo")
    response = admin_client.post(
        reverse("admin:education_article_add"),
        {"title_en": "Other", "slug_en": "other", "slug_it": "stesso-indirizzo", "summary_en": "S", "body_en": "B",
         "status": Status.DRAFT, "publish_at_0": "2026-01-01", "publish_at_1": "09:00:00"},
    )
    assert response.status_code == 200
    assert "slug_it" in response.context["adminform"].form.errors


def test_missing_italian_filter(admin_client):
    complete = make_article(title_en="Complete one")
    make_article(title_en="Half done", body_it="")
    response = admin_client.get(reverse("admin:education_article_changelist"), {"missing": "it"})
    assert "Half done" in response.text
    assert complete.title_en not in response.text
