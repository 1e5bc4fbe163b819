"""The README's screenshots, taken from the demo content: `make screenshots` (not part of `make test`)."""
import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from education.models import Article, ProcedureNote

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.screenshots

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _save_small(png, path):
    """A palette PNG: screenshots of text and flat colours keep their look at a fraction of the size."""
    picture = PILImage.open(io.BytesIO(png)).convert("RGB")
    picture.quantize(colors=64, method=PILImage.Quantize.MEDIANCUT).save(path, optimize=True)


def test_readme_screenshots_of_home_article_procedure_and_faq(demo, page):
    pages = {
        "home": "/en/",
        "article": Article.objects.order_by("pk").first().get_absolute_url(),
        "procedure": ProcedureNote.objects.order_by("pk").first().get_absolute_url(),
        "faq": "/en/faq/",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(path)
            if name == "faq":
                page.locator("details summary").first.click()
            _save_small(page.screenshot(), SCREENSHOTS / f"{name}-{size}.png")
            assert (SCREENSHOTS / f"{name}-{size}.png").stat().st_size > 0


def test_readme_screenshot_of_the_editing_screen_with_its_preview(demo, open_page, staff):
    from .conftest import log_in

    staff("editor", "Editors")
    page = open_page(viewport={"width": 1440, "height": 900})
    log_in(page, "editor")
    article = Article.objects.order_by("pk").first()
    page.goto(f"/admin/education/article/{article.pk}/change/")
    body = page.locator("#id_body_en")
    body.press("Control+End")
    body.press_sequentially("\n\nThe results are guaranteed. [Click here](http://clinic.example/book).")
    page.locator("#live-checks-id_body_en .claims").wait_for()
    page.frame_locator("#live-preview-frame").get_by_text("The results are guaranteed.").wait_for()
    page.locator("#live-checks-id_body_en .claims").evaluate("list => list.scrollIntoView({block: 'center'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _save_small(page.screenshot(), SCREENSHOTS / "editing-preview.png")
    assert (SCREENSHOTS / "editing-preview.png").stat().st_size > 0
