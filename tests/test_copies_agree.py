"""Text shown outside the page, written one way: JSON-LD and search read the same plain text, the feed escapes once."""
import html
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from education import structured_data
from search.models import SearchDocument

from .factories import make_article, make_faq

pytestmark = pytest.mark.django_db


def test_json_ld_and_search_give_the_same_text_with_a_plain_ampersand():
    faq = make_faq(question_en="Sun & shade?", answer_en="Use sun cream & a hat.\n\n- shade\n- water")
    with translation.override("en"):
        answer = structured_data.faq_data([faq])["mainEntity"][0]["acceptedAnswer"]["text"]
    indexed = SearchDocument.objects.get(kind="faq", object_id=faq.pk, language="en").body
    assert answer == indexed
    assert "sun cream & a hat" in answer and "&amp;" not in answer


def test_feed_description_is_escaped_once(client):
    article = make_article(summary_en="L'acne & <b>pimples</b>: what helps.")
    response = client.get("/en/feed/")
    assert "&amp;#x27;" not in response.text and "L'acne" in response.text
    (description,) = [item.findtext("description") for item in ET.fromstring(response.content).iter("item")]
    # A feed reader reads the description as HTML: it shows exactly what the editor typed, tags as text.
    assert html.unescape(description) == article.summary_en
    assert "<b>" not in description
