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
