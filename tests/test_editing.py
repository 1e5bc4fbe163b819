"""Issue 18: the editing screen's everyday details, checked with Django's test client."""
import pytest
import reversion
from bs4 import BeautifulSoup
from django.urls import reverse

from education import services
from education.models import Article, Status

from .factories import make_article, make_clinician, make_staff, sign_live

pytestmark = pytest.mark.django_db


def _written_by(user, **fields):
    """An article whose first saved version is `user`'s, as when they add it in the admin."""
    article = make_article(status=Status.DRAFT, **fields)
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.add_to_revision(article)
    return article


@pytest.fixture
def editor(client):
    user = make_staff("ed", "Editors")
    client.force_login(user)
    return user


def test_editor_deletes_own_draft_that_was_never_published(client, editor):
    article = _written_by(editor)
    change = client.get(reverse("admin:education_article_change", args=[article.pk])).text
    delete_url = reverse("admin:education_article_delete", args=[article.pk])
    assert f'href="{delete_url}"' in change
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_editor_may_not_delete_someone_elses_draft(client, editor):
    article = _written_by(make_staff("other", "Editors"))
    delete_url = reverse("admin:education_article_delete", args=[article.pk])
    assert f'href="{delete_url}"' not in client.get(reverse("admin:education_article_change", args=[article.pk])).text
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_editor_may_not_delete_own_item_once_it_was_published(client, editor):
    reviewer = make_staff("rev", "Clinical reviewers")
    article = _written_by(editor)
    sign_live(article, make_clinician(user=reviewer))
    delete_url = reverse("admin:education_article_delete", args=[article.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    services.unpublish(item=Article.objects.get(pk=article.pk), user=reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert client.post(delete_url, {"post": "yes"}).status_code == 403  # patients saw it once: a reviewer decides
    assert Article.objects.filter(pk=article.pk).exists()


def test_editor_has_no_bulk_delete_action(client, editor):
    _written_by(editor)
    html = client.get(reverse("admin:education_article_changelist")).text
    assert 'value="delete_selected"' not in html


@pytest.mark.parametrize("page", ["review_due", "signoff"])
def test_own_admin_pages_use_the_admin_breadcrumb_list(client, page):
    reviewer = make_staff("rev2", "Clinical reviewers")
    client.force_login(reviewer)
    article = make_article(status=Status.DRAFT, next_review_due=None)
    url = (reverse("admin:review_due") if page == "review_due"
           else reverse("admin:education_article_signoff", args=[article.pk]))
    soup = BeautifulSoup(client.get(url).text, "html.parser")
    crumbs = soup.select("nav ol.breadcrumbs > li")
    assert crumbs[0].a["href"] == reverse("admin:index")
    assert crumbs[-1]["aria-current"] == "page" and crumbs[-1].get_text(strip=True)
    assert not soup.select("div.breadcrumbs")


@pytest.mark.parametrize(("summary", "card"), [
    # Whole sentences when they fit in the 30 words.
    ("You may feel a sting. " + "It passes within a minute and leaves no mark on the skin at all " * 3,
     "You may feel a sting."),
    # A first sentence longer than 30 words: cut after a whole word, with an ellipsis, never mid-word.
    ("Photodynamic " + "treatment " * 40, "Photodynamic " + "treatment " * 28 + "treatment…"),
    ("Short enough to keep.", "Short enough to keep."),
])
def test_card_summary_is_cut_at_a_sentence_or_word_boundary(client, summary, card):
    make_article(summary_en=summary)
    soup = BeautifulSoup(client.get(reverse("education:articles")).text, "html.parser")
    assert [p.get_text() for p in soup.select(".card p")] == [card]


def test_change_form_states_each_language_complete_approved_and_up_to_date(client, editor):
    article = make_article(status=Status.DRAFT, body_it="")
    soup = BeautifulSoup(client.get(reverse("admin:education_article_change", args=[article.pk])).text, "html.parser")
    states = {li["data-language"]: li.get_text(" ", strip=True) for li in soup.select("#language-states li")}
    assert states == {
        "en": "EN : complete, not approved, up to date",
        "it": "IT : incomplete, not approved, up to date",
    }
    assert '<script src="/static/js/admin-language.js"' in str(soup) or soup.select_one('script[src*="admin-language"]')
