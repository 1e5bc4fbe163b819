"""A patient on a phone tells us the Italian article was not helpful, without any cookie; a reviewer reads it."""
import pytest
from django.urls import reverse

from education.models import Article
from feedback.models import Feedback

from .conftest import PHONE, axe_violations, expect, log_in

pytestmark = pytest.mark.browser

COMMENT = "Non ho capito cosa vuol dire intradermico."


def test_patient_says_the_italian_article_was_not_helpful_and_a_reviewer_reads_it(demo, open_page, staff):
    article = Article.objects.get(slug_en__startswith="botulinum-toxin")
    page = open_page(viewport=PHONE, locale="it-IT")
    page.goto(f"/it/articoli/{article.slug_it}/")
    expect(page.locator("h1")).to_have_text(article.title_it)

    form = page.locator(".feedback-form")
    expect(page.locator("#feedback-thanks")).to_be_hidden()
    form.get_by_label("No", exact=True).check()
    form.get_by_label("Che cosa mancava o non era chiaro? (facoltativo)").fill(COMMENT)
    form.get_by_role("button", name="Invia").click()

    page.wait_for_url("**#feedback-thanks")
    expect(page.locator("#feedback-thanks")).to_be_visible()
    expect(page.locator("#feedback-thanks")).to_contain_text("Grazie")
    expect(form).to_be_hidden()
    assert page.context.cookies() == []
    assert axe_violations(page) == []
    answer = Feedback.objects.get()
    assert (answer.item, answer.language, answer.helpful, answer.comment) == (article, "it", False, COMMENT)

    reviewer = staff("rev", "Clinical reviewers")
    admin = open_page()
    log_in(admin, "rev")
    admin.goto(reverse("admin:education_article_change", args=[article.pk]))
    panel = admin.locator("fieldset", has_text="Patient feedback")
    expect(panel).to_contain_text(COMMENT)
    expect(panel).to_contain_text("1 answer, 1 unread.")
    panel.get_by_role("link", name="See all in the feedback list").click()
    expect(admin.locator("#result_list")).to_contain_text(COMMENT)
    admin.locator("#result_list tbody a").first.click()
    expect(admin.locator("#content")).to_contain_text(COMMENT)
    answer.refresh_from_db()
    assert answer.read_by == reviewer
