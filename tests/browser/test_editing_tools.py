"""Issue 18 in a browser: checks while typing, the preview beside the form, comparing versions in History."""
import pytest

from .conftest import DESKTOP, PHONE, axe_violations, expect, log_in

pytestmark = pytest.mark.browser


def test_risky_phrase_and_vague_link_are_flagged_while_typing_then_cleared(open_page, staff):
    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    body = page.locator("#id_body_en")
    body.press_sequentially("The cream is completely safe. See [click here](https://clinic.example/cream).")
    checks = page.locator("#live-checks-id_body_en")
    expect(checks).to_have_attribute("aria-live", "polite")
    expect(checks.locator(".claims")).to_contain_text("completely safe")
    expect(checks.locator("[data-kind=vague-link]")).to_contain_text("click here")
    body.fill("")
    body.press_sequentially("Most people find the cream gentle. Read [how to use the cream](https://clinic.example/c).")
    expect(checks).to_contain_text("No risky phrases found.")
    expect(checks.locator("[data-kind=vague-link]")).to_have_count(0)
    assert axe_violations(page, impacts=("serious", "critical")) == []


def test_italian_field_is_checked_in_italian_for_an_italian_editor(open_page, staff):
    staff("editor", "Editors")
    page = open_page(viewport=PHONE, locale="it-IT")
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    page.locator("li[aria-controls=tab_id_body_it]").click()
    body = page.locator("#id_body_it")
    body.press_sequentially("Il trattamento è sicuro al 100%. Clicca [qui](https://clinica.example/a).")
    checks = page.locator("#live-checks-id_body_it")
    expect(checks.locator(".claims")).to_contain_text("sicuro al 100%")
    expect(checks.locator("[data-kind=vague-link]")).to_contain_text("Testo del collegamento")
    assert axe_violations(page, impacts=("serious", "critical")) == []


def test_preview_updates_as_the_editor_types_in_each_language(open_page, staff, settings):
    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    preview = page.frame_locator("#live-preview-frame")
    expect(page.locator("#live-preview")).to_be_visible()
    words = {"en": "Wash the skin gently twice a day", "it": "Lava la pelle con delicatezza due volte al giorno"}
    for code, _name in settings.LANGUAGES:
        page.locator(f"li[aria-controls=tab_id_body_{code}]").click()  # the preview follows the form's language
        expect(page.locator("#live-preview-language")).to_have_value(code)
        page.locator(f"#id_title_{code}").fill(f"Title {code}")
        page.locator(f"#id_body_{code}").press_sequentially(words[code])
        expect(preview.locator("html")).to_have_attribute("lang", code)
        expect(preview.locator(".prose")).to_contain_text(words[code])
        expect(preview.locator(".preview-banner")).to_be_visible()
    page.locator("#live-preview-language").select_option("en")  # and the editor may choose another one
    expect(preview.locator(".prose")).to_contain_text(words["en"])
    assert page.locator("#live-preview").bounding_box()["x"] > page.locator("#content-main").bounding_box()["x"]
    assert axe_violations(page, impacts=("serious", "critical")) == []
