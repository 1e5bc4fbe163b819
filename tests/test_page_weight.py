"""An article's first view, images aside, stays under 36 KB: its HTML and every static file it links to.

The budget was 30 KB until the page gained its Print and Listen tools (site.js, 0.7 KB to 4.3 KB) and their styles:
about 35 KB uncompressed, 9 KB as WhiteNoise serves it gzip-compressed."""
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from .factories import make_article, make_clinic, make_faq, make_procedure, make_source, make_topic

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Most people feel only mild redness after the treatment. It fades within a day or two. Protect the area from "
    "strong sun for a week and use the cream your doctor gave you twice a day."
)
BODY = "\n\n".join(f"## Step {n}\n\n{PARAGRAPH}\n\n- {PARAGRAPH[:80]}\n- {PARAGRAPH[80:160]}" for n in range(17))


def test_article_first_view_is_under_36_kb_uncompressed(client):
    assert len(BODY) > 6_000  # a long article, as patients read them
    make_clinic()
    topic = make_topic()
    article = make_article(topics=[topic], body_en=BODY)
    article.procedures.set([make_procedure(topics=[topic]) for _ in range(3)])
    article.sources.set([make_source() for _ in range(3)])
    for _ in range(3):
        make_faq(topic=topic, article=article)

    response = client.get(article.get_absolute_url())
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', response.text)
    sizes = [Path(finders.find(asset)).stat().st_size for asset in assets]
    assert assets, "the page links its stylesheet"
    assert len(response.content) + sum(sizes) < 36_000
