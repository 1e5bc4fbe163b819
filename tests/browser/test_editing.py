"""Issue 18 in a browser: the details of the editing screen that cost clinic staff minutes every day."""
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
