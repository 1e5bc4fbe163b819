"""The hostile-input corpus (the .txt files beside this module) and the checks that judge what the site made of it."""
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")


def load(name):
    """The payloads in tests/hostile/<name>.txt, with \\xNN and \\uNNNN turned into the characters they name."""
    payloads = []
    for line in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            payloads.append(_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), line))
    return payloads


# Tags content must never add to a page, whatever the page's own template contains.
FORBIDDEN_TAGS = (
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "textarea",
    "select", "base", "style", "link", "meta", "svg", "math", "template", "img", "video", "audio", "source",
)
URL_ATTRIBUTES = (
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "ping", "srcset", "xlink:href",
    "codebase", "dynsrc", "lowsrc", "manifest",
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
_BROWSER_IGNORED = re.compile(r"[\x00-\x20]")


def browser_url(value):
    """A URL as a browser reads it: leading/trailing controls and spaces, tabs and newlines dropped, case folded."""
    value = value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
                        "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    return re.sub(r"[\t\n\r]", "", value).lower()


def tag_counts(html):
    soup = BeautifulSoup(html, "html.parser")
    return Counter(tag.name for tag in soup.find_all(FORBIDDEN_TAGS))


def executable_markup(html, baseline=None):
    """Everything in `html` that could run script or leave the page; empty when the page is safe.

    `baseline` is the same page rendered with harmless text (or its `tag_counts`): tags the template itself has
    (its stylesheet link, a search form) are allowed as many times as the baseline has them, and not once more.
    """
    soup = BeautifulSoup(html, "html.parser")
    found = []
    if baseline is None:
        allowed = Counter()
    else:
        allowed = baseline if isinstance(baseline, Counter) else tag_counts(baseline)
    counts = Counter(tag.name for tag in soup.find_all(FORBIDDEN_TAGS))
    for name, count in counts.items():
        if count > allowed[name]:
            found.append(f"{count - allowed[name]} extra <{name}>")
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if attribute.lower().startswith("on"):
                found.append(f"<{tag.name} {attribute}=...>")
            elif attribute.lower() in URL_ATTRIBUTES and browser_url(value).startswith(DANGEROUS_SCHEMES):
                found.append(f"<{tag.name} {attribute}={value!r}>")
            elif attribute.lower() == "http-equiv" and value.strip().lower() == "refresh":
                found.append("<meta http-equiv=refresh>")
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            text = tag.string or ""
            if "</" in text.lower():
                found.append("'</' inside a JSON-LD block")
            try:
                json.loads(text)
            except ValueError:
                found.append("JSON-LD block that is not JSON")
    return found


def stays_on_site(location, host="testserver"):
    """True when a redirect to `location` keeps the browser on `host` (read as a browser would read it)."""
    url = browser_url(location).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme:
        return parts.scheme in ("http", "https") and parts.netloc == host
    return not url.startswith("//") and not parts.netloc


# Feed elements whose text a feed reader shows as HTML (RSS, Atom, and the content module).
FEED_HTML_ELEMENTS = {"description", "summary", "content", "encoded", "subtitle"}


def feed_html(xml_bytes):
    """The HTML a feed (or any XML document, such as a sitemap) hands to readers, joined into one fragment."""
    root = ET.fromstring(xml_bytes)  # also proves the document is well-formed XML
    parts = [element.text or "" for element in root.iter() if element.tag.rsplit("}", 1)[-1] in FEED_HTML_ELEMENTS]
    return "\n".join(parts)
