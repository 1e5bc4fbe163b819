"""Markdown from editors becomes HTML that can run nothing: every XSS payload of the corpus, one at a time."""
import pytest
from bs4 import BeautifulSoup

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
