"""Issue 18 in a browser: the details of the editing screen that cost clinic staff minutes every day."""
import re

import pytest

from .conftest import DESKTOP, expect, log_in

pytestmark = pytest.mark.browser


def test_slugs_fill_in_every_language_while_typing_with_elisions_as_two_words(open_page, staff, settings):
    staff("editor", "Editors")
    page = open_page()
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    titles = {"en": "Don't scratch: the patient's guide", "it": "L'acne e la cura dell’occhio"}
    slugs = {"en": "dont-scratch-the-patients-guide", "it": "l-acne-e-la-cura-dell-occhio"}
    for code, _name in settings.LANGUAGES:
        page.locator(f"li[aria-controls=tab_id_title_{code}]").click()
        page.locator(f"#id_title_{code}").press_sequentially(titles[code])
    for code, _name in settings.LANGUAGES:
        expect(page.locator(f"#id_slug_{code}")).to_have_value(slugs[code])


def test_article_list_fits_a_1280_pixel_screen(open_page, staff, demo):
    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    for model in ("article", "procedurenote", "faq", "page"):
        page.goto(f"/admin/education/{model}/")
        width = page.evaluate("document.documentElement.scrollWidth")
        table = page.locator("#result_list").bounding_box()
        assert width <= DESKTOP["width"], (model, width)
        assert table["x"] + table["width"] <= DESKTOP["width"], (model, table)


def test_italian_admin_scripts_speak_italian_pickers_and_time_zone_note(open_page, staff):
    staff("reviewer", "Clinical reviewers")  # sees the publishing times, with their time-zone note
    page = open_page(locale="it-IT", timezone_id="America/New_York")
    log_in(page, "reviewer")
    page.goto("/admin/education/article/add/")
    expect(page.locator("#id_topics_from")).to_be_visible()  # the picker is built by SelectFilter2.js
    expect(page.locator(".timezonewarning").first).to_be_visible()
    pickers = page.locator(".selector").first.inner_text()
    notes = page.locator(".timezonewarning").first.inner_text()
    words = set(re.findall(r"[A-Za-z]+", pickers + " " + notes))
    assert not words & {"Available", "Chosen", "Choose", "Remove", "all", "Filter", "Note", "You", "hours", "behind",
                        "server", "time"}, (pickers, notes)
    assert "Nota" in notes


def test_one_language_switch_moves_every_field_and_is_kept_across_pages(open_page, staff):
    from tests.factories import make_article

    from .conftest import axe_violations

    staff("editor", "Editors")
    first, second = make_article(), make_article(body_it="")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto(f"/admin/education/article/{first.pk}/change/")
    expect(page.locator("#id_body_en")).to_be_visible()
    page.locator("li[aria-controls=tab_id_title_it]").click()  # Italian on the title only...
    for field in ("title", "slug", "summary", "body"):  # ...moves every translated field
        expect(page.locator(f"#id_{field}_it")).to_be_visible()
        expect(page.locator(f"#id_{field}_en")).to_be_hidden()
    expect(page.locator("#modeltranslation-main-switch option:checked")).to_contain_text("IT")
    assert axe_violations(page, impacts=("serious", "critical")) == []

    page.click("input[name=_continue]")  # kept across a save...
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("#id_body_it")).to_be_visible()
    page.goto(f"/admin/education/article/{second.pk}/change/")  # ...and on the next item
    expect(page.locator("#id_title_it")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_hidden()
    # Each language's state is in the switch and above the form.
    expect(page.locator("#modeltranslation-main-switch option[data-language=it]")).to_have_text(
        "IT: incomplete, not approved, up to date"
    )
    page.keyboard.press("Tab")  # the keyboard works too: English back from the body's tabs
    page.locator("li[aria-controls=tab_id_body_it]").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#id_title_en")).to_be_visible()


def test_markdown_toolbar_by_buttons_and_keyboard_in_each_language(open_page, staff):
    from .conftest import axe_violations

    staff("editor", "Editors")
    page = open_page(viewport=DESKTOP)
    log_in(page, "editor")
    page.goto("/admin/education/article/add/")
    body = page.locator("#id_body_en")
    body.fill("Wash gently")
    body.press("Control+a")
    body.press("Control+b")
    expect(body).to_have_value("**Wash gently**")
    body.press("End")
    body.press("Enter")
    body.press_sequentially("Use cream")
    body.press("Control+Shift+8")
    expect(body).to_have_value("**Wash gently**\n- Use cream")
    toolbar = page.get_by_role("group", name="Formatting").and_(page.locator(":has(+ #id_body_en)"))
    toolbar.get_by_role("button", name="Heading").click()
    expect(body).to_have_value("**Wash gently**\n## - Use cream")
    body.fill("Our guide")
    body.press("Control+a")
    body.press("Control+k")
    expect(body).to_have_value("[Our guide](https://)")
    page.locator("li[aria-controls=tab_id_body_it]").click()
    italian = page.locator("#id_body_it")
    italian.fill("Primo passo")
    italian.press("Control+a")
    # Each language's field has its own toolbar.
    page.locator(".markdown-toolbar:has(+ #id_body_it)").get_by_role("button", name="Numbered list").click()
    expect(italian).to_have_value("1. Primo passo")
    assert axe_violations(page, impacts=("serious", "critical")) == []
