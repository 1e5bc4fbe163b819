"""Issue 14 walked in a browser: an editor changes a live article in both languages, patients keep the approved
text, and each language goes live only once a clinician approved it on the sign-off page."""
import os
from pathlib import Path

import pytest
from django.utils import translation

from education.models import Article
from tests.factories import make_clinician

from .conftest import DESKTOP, axe_violations, expect, log_in
from .test_journeys import _fill_in_tabs

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NEW = {"en": "You may see some redness for two days.", "it": "Puoi notare un po' di rossore per due giorni."}


def test_editor_edits_a_live_article_and_each_language_goes_live_only_once_approved(demo, open_page, staff):
    staff("editor", "Editors")
    reviewer = staff("reviewer", "Clinical reviewers")
    make_clinician(name="Dr Giulia Bianchi", role_en="Dermatologist", role_it="Dermatologa", user=reviewer)
    article = Article.objects.published().order_by("pk").first()
    old = {code: getattr(article, f"body_{code}") for code in NEW}
    urls = {}
    for code in NEW:
        with translation.override(code):
            urls[code] = article.get_absolute_url()

    editor = open_page()
    log_in(editor, "editor")
    editor.goto(f"/admin/education/article/{article.pk}/change/")
    expect(editor.locator(".workflow-note")).to_contain_text("This page is live.")
    _fill_in_tabs(editor, "body", {code: f"{old[code]}\n\n{NEW[code]}" for code in NEW})
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("Saved as pending changes")

    patient = open_page()
    for code in NEW:
        patient.goto(urls[code])
        expect(patient.locator(".prose").first).not_to_contain_text(NEW[code])

    checker = open_page(viewport=DESKTOP)
    log_in(checker, "reviewer")
    checker.goto(f"/admin/education/article/{article.pk}/signoff/")
    for code in NEW:
        expect(checker.locator(f"#lang-{code} .signoff-diff ins")).to_have_text(f"{NEW[code]}")
    assert axe_violations(checker, impacts=("serious", "critical")) == []
    if os.environ.get("SAVE_SCREENSHOTS"):
        checker.locator("#lang-en").screenshot(path=SCREENSHOTS / "signoff-approval.png")
    checker.click("#approve-en button")
    expect(checker.locator(".messagelist .success")).to_contain_text("Approved.")
    checker.get_by_role("button", name="Publish approved text").first.click()
    expect(checker.locator(".messagelist .success")).to_contain_text("Published.")

    patient.goto(urls["en"])
    expect(patient.locator(".prose").first).to_contain_text(NEW["en"])
    expect(patient.locator(".trust")).to_contain_text("Dr Giulia Bianchi")
    patient.goto(urls["it"])
    expect(patient.locator(".prose").first).not_to_contain_text(NEW["it"])
    old_sentence = next(line for line in old["it"].splitlines() if line and not line.startswith(("#", "-")))
    expect(patient.locator(".prose").first).to_contain_text(old_sentence[:40])

    checker.goto(f"/admin/education/article/{article.pk}/signoff/")
    if os.environ.get("SAVE_SCREENSHOTS"):
        checker.locator("#lang-it").screenshot(path=SCREENSHOTS / "signoff-italian-pending.png")
    checker.click("#approve-it button")
    expect(checker.locator(".messagelist .success")).to_contain_text("Approved.")
    checker.get_by_role("button", name="Publish approved text").first.click()
    expect(checker.locator(".messagelist .success")).to_contain_text("Published.")

    patient.goto(urls["it"])
    expect(patient.locator(".prose").first).to_contain_text(NEW["it"])
    expect(patient.locator(".trust")).to_contain_text("Pagina verificata dal medico Dr Giulia Bianchi, Dermatologa")
