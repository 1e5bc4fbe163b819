"""Turn the Markdown editors type into HTML that is safe to show patients."""
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped together with everything inside them, so no script, style sheet or foreign markup shows up as text either.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "iframe", "object", "embed", "frame", "frameset", "noembed",
    "noframes", "xmp", "plaintext", "textarea", "select", "title", "svg", "math",
}

_ODD_URL_CHARACTER = re.compile(r"[\x00-\x20\x7f\\\ufffd]")


def _drop_odd_links(tag, attribute, value):
    """An address with spaces, control characters or backslashes is one browsers would rewrite: drop it."""
    if attribute == "href" and _ODD_URL_CHARACTER.search(value):
        return None
    return value


def render_markdown(text):
    """Markdown to HTML, then an allow-list sanitizer: whatever the editor typed, no script survives."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_drop_odd_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
