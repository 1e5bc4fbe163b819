"""In a real browser, a phone downloads only the one image rendition its screen needs."""
import pytest

from tests.factories import make_article, make_image

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("ratio", "expected"), [(1, "480w.webp"), (2, "960w.webp")])
def test_phone_in_a_real_browser_downloads_only_the_rendition_it_needs(open_page, ratio, expected):
    article = make_article(image=make_image(3000, 2000))
    page = open_page(viewport=PHONE, device_scale_factor=ratio)
    requested = []
    page.on("request", lambda request: requested.append(request.url) if "/images/" in request.url else None)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert len(requested) == 1
    assert requested[0].endswith(expected)
