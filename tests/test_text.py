"""Markdown from editors becomes HTML that can run nothing: every XSS payload of the corpus, one at a time."""
import html

import pytest
from bs4 import BeautifulSoup
from django.utils.html import strip_tags

from education import text
from education.text import render_markdown

from .factories import make_article
from .hostile import executable_markup, load

XSS = load("xss")


@pytest.mark.parametrize("payload", XSS)
def test_payload_renders_without_executable_markup(payload):
    assert executable_markup(render_markdown(payload)) == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,hi",
        "\x01javascript:alert(1)",
    ],
)
def test_dangerous_link_loses_its_address(link):
    html = render_markdown(f'<a href="{link}">read</a>')
    anchor = BeautifulSoup(html, "html.parser").a
    assert anchor.text == "read"
    assert "href" not in anchor.attrs


@pytest.mark.parametrize("tag", ["iframe", "object", "style", "svg", "math", "template", "noscript", "textarea"])
def test_foreign_elements_are_dropped_with_their_content(tag):
    html = render_markdown(f"Before <{tag}>inside {tag}</{tag}> after")
    assert f"<{tag}" not in html
    assert "inside" not in html
    assert "Before" in html and "after" in html


@pytest.mark.parametrize("markup", ["<form action=/x><input name=a>", "<embed src=/x>", "<base href=/x>", "<meta a=b>"])
def test_forms_embeds_and_base_tags_are_dropped(markup):
    soup = BeautifulSoup(render_markdown(markup), "html.parser")
    assert soup.find(["form", "input", "embed", "base", "meta"]) is None


@pytest.mark.parametrize("href", ["/\\evil.example", "https://a.example/ x", "java\x00script:alert(1)"])
def test_links_browsers_would_rewrite_are_dropped(href):
    assert "href" not in BeautifulSoup(render_markdown(f'<a href="{href}">x</a>'), "html.parser").a.attrs


def test_template_syntax_is_shown_as_text():
    html = render_markdown("Type {{ request.META }} and {% debug %} here")
    assert "{{ request.META }}" in html
    assert "{% debug %}" in html


@pytest.mark.django_db
def test_template_syntax_in_a_page_is_not_evaluated(client, settings):
    article = make_article(body_en="Secret: {{ settings.SECRET_KEY }} {% now 'Y' %} {{ csp_nonce }}")
    text = client.get(article.get_absolute_url()).text
    assert "{{ settings.SECRET_KEY }}" in text
    assert settings.SECRET_KEY not in text
    assert "{% now &#x27;Y&#x27; %}" in text or "{% now 'Y' %}" in text


def test_ordinary_markdown_still_renders():
    html = render_markdown(
        "## Aftercare\n\n- Keep it **clean**\n- Call [us](https://clinic.example/contact) or [phone](tel:+390212345678)"
        "\n\n| When | What |\n|---|---|\n| Day 1 | Rest |"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h2.text == "Aftercare"
    assert [li.text for li in soup.find_all("li")][0] == "Keep it clean"
    links = soup.find_all("a")
    assert [a["href"] for a in links] == ["https://clinic.example/contact", "tel:+390212345678"]
    assert all(a["rel"] == ["noopener", "noreferrer"] for a in links)
    assert soup.table.td.text == "Day 1"


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def _text_by_html_parser(rendered):
    """html_text() as it was written with Django's strip_tags() (an HTML parser): the reference for the regex."""
    pieces, position = [], 0
    for end in text.BLOCK_END.finditer(rendered):
        block = html.unescape(strip_tags(rendered[position : end.start()].replace("<", " <"))).strip()
        position = end.end()
        if block and end.group(1).startswith("h"):
            block = block.rstrip(".:") + text.HEADING_END.rstrip()
        elif block and not text.SENTENCE_END.search(block):
            block += "."
        pieces.append(block)
    pieces.append(html.unescape(strip_tags(rendered[position:].replace("<", " <"))).strip())
    return " ".join(piece for piece in pieces if piece)


TRICKY = [
    '[the leaflet](https://example.org/a?b=1&c=2 "Dose > 50 units")',
    "A <b>bold</b> claim & a < b, 3 > 2, 'quoted' \"twice\"",
    "<img src=x alt='>' onerror=alert(1)>after the image",
    "# Heading:\n\n- one\n- two!\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    "<!-- a comment > with a bracket --> text",
    "`<code>` and <pre>pre > text</pre>",
]


@pytest.mark.parametrize("payload", [*XSS, "\n\n".join(XSS), *TRICKY])
def test_plain_text_is_what_an_html_parser_reads(payload):
    rendered = render_markdown(payload)
    assert text.html_text(rendered) == _text_by_html_parser(rendered)


def test_plain_text_keeps_words_and_drops_markup():
    rendered = render_markdown(
        "## After the injection:\n\n"
        'Avoid *rubbing* the area & lying flat for [4 hours](https://example.org "a > b")\n\n'
        "- Redness\n- Small bruises\n\n| Effect | When |\n|---|---|\n| Fewer spots | 2 weeks |"
    )
    # An inline tag leaves a second space where it was (the words must not run together); JSON doesn't mind.
    assert " ".join(text.html_text(rendered).split()) == (
        "After the injection — Avoid rubbing the area & lying flat for 4 hours. Redness. Small bruises. Effect. When. "
        "Fewer spots. 2 weeks."
    )
