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

    # A medical word explains itself: its definition opens from the keyboard, without any script of ours.
    definition = page.locator("details.definition", has_text="intradermiche")
    expect(definition.locator("p")).to_be_hidden()
    definition.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(definition.locator("p")).to_be_visible()
    expect(definition.locator("p")).to_contain_text("Dentro la pelle stessa")
    expect(page.locator(".words-used")).to_contain_text("intradermico")

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
    assert axe_violations(admin, ["serious", "critical"]) == []
    admin.locator("#result_list tbody a").first.click()
    expect(admin.locator("#content")).to_contain_text(COMMENT)
    answer.refresh_from_db()
    assert answer.read_by == reviewer


def test_refusal_page_is_accessible_and_sets_no_cookie(demo, open_page, watch):
    article = Article.objects.get(slug_en__startswith="botulinum-toxin")
    page = open_page(viewport=PHONE, locale="it-IT")
    page.goto(f"/it/articoli/{article.slug_it}/")
    page.locator(".feedback-form input[name=token]").evaluate("input => { input.value = 'forged'; }")
    action = page.locator(".feedback-form").get_attribute("action")
    watch.expect_status(action, 400)
    page.locator(".feedback-form").get_by_label("Sì").check()
    page.locator(".feedback-form").get_by_role("button", name="Invia").click()
    expect(page.locator("h1")).to_have_text("La tua risposta non è stata inviata")
    assert page.context.cookies() == []
    assert axe_violations(page) == []
    page.locator(".feedback-form").get_by_role("button", name="Invia").click()  # the fresh form works
    page.wait_for_url("**#feedback-thanks")
    expect(page.locator("#feedback-thanks")).to_be_visible()
