"""The first use of each glossary term in a page's main text, marked as a definition patients can open.

The marked word gets `<dfn class="term">`; right after the paragraph (or at the end of the list item or cell) that
holds it comes a native `<details>` whose summary asks "What does … mean?" and whose body is the plain definition:
it opens by keyboard, by screen reader and without JavaScript. Links, headings, code and table headers are left
alone. The result is cached by the text's digest, the language, the terms already used on the page and the
glossary's version, so a text is marked once per version, not per request.
"""
import hashlib
import html
import re
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from education.cache import cache_get, cache_set

MARKED_TIMEOUT = 7 * 24 * 60 * 60
# Never marked inside these: a link is already a way out, a heading is a title, code is code.
SKIPPED = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "abbr", "dfn", "th", "summary", "details"}
# The definition follows the closed paragraph; inside these it goes at their end, where a block may stand.
AFTER_CLOSE = {"p"}
BEFORE_CLOSE = {"li", "td", "dd", "blockquote"}
VOID = {"br", "hr", "img", "wbr", "col", "input", "source"}

_tables = {}


def glossary_version(request=None):
    """The site's content version (see education.cache): it lives in the database, so every worker on every machine
    sees a term's edit at once; read with the request's other versions when the page cache has read them."""
    from education.cache import site_version

    return site_version(request)


def glossary_changed(sender, **kwargs):
    """Receiver for Term saves and deletes: new marked texts, and every cached page rebuilt (it may list the term).
    The site's version changes in the same transaction as the term."""
    from education.cache import bump_content_version

    bump_content_version()


class Table:
    """The published terms of one language and one pattern matching all their forms."""

    def __init__(self, language):
        from .models import Term

        self.terms = {}
        by_form = {}
        for term in Term.objects.in_language(language):
            self.terms[term.pk] = {
                "id": term.pk,
                "word": getattr(term, f"term_{language}"),
                "definition": getattr(term, f"definition_{language}"),
                "anchor": term.anchor,
            }
            for form in term.word_forms(language):
                by_form.setdefault(form.casefold(), term.pk)
        self.by_form = by_form
        forms = sorted(by_form, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in forms) + r")(?!\w)", re.IGNORECASE)
            if forms
            else None
        )


def table(language, version=None):
    key = (version or glossary_version(), language)
    found = _tables.get(key)
    if found is None:
        # One table per language for the current version; older versions are dropped.
        for old in [k for k in list(_tables) if k[0] != key[0]]:
            del _tables[old]
        found = _tables[key] = Table(language)
    return found


def mark(text_html, language, used, version=None):
    """(marked HTML, ids of the terms it marked) for sanitised HTML, skipping the term ids in `used`.

    `version` is the glossary version the caller read once for its page (read here when not given).
    """
    if not text_html:
        return text_html, []
    version = version or glossary_version()
    current = table(language, version)
    if current.pattern is None:
        return text_html, []
    digest = hashlib.sha256(f"{','.join(map(str, sorted(used)))}|{text_html}".encode()).hexdigest()
    key = f"glossary:marked:{version}:{language}:{digest}"
    found = cache_get(key)  # a shared cache that is down only costs the marking again
    if found is None:
        marker = Marker(current, set(used))
        marker.feed(text_html)
        marker.close()
        found = ("".join(marker.out), marker.marked)
        cache_set(key, found, MARKED_TIMEOUT)
    return found


class Marker(HTMLParser):
    """Copies sanitised HTML, wrapping first uses and placing their definitions where a block may stand."""

    def __init__(self, table, used):
        super().__init__(convert_charrefs=True)
        self.table, self.used = table, used
        self.out, self.stack, self.marked = [], [], []
        self.pending = []  # definitions waiting for the end of their paragraph or list item

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in BEFORE_CLOSE and self._holder() == len(self.stack) - 1:
            self._flush()
        self.out.append(f"</{tag}>")
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]
        if tag in AFTER_CLOSE:
            self._flush()

    def handle_data(self, data):
        if self.table.pattern is None or SKIPPED.intersection(self.stack):
            self.out.append(html.escape(data, quote=False))
            return
        position = 0
        for match in self.table.pattern.finditer(data):
            term_id = self.table.by_form[match.group(1).casefold()]
            if term_id in self.used:
                continue
            self.used.add(term_id)
            self.marked.append(term_id)
            self.out.append(html.escape(data[position : match.start()], quote=False))
            self.out.append(f'<dfn class="term">{html.escape(match.group(1), quote=False)}</dfn>')
            position = match.end()
            self.pending.append((self.table.terms[term_id], match.group(1)))
            if self._holder() is None:
                self._flush()  # text outside any paragraph: the definition can follow at once
        self.out.append(html.escape(data[position:], quote=False))

    def close(self):
        super().close()
        self._flush()

    def _holder(self):
        """Index in the stack of the element whose end receives the definitions, or None."""
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index] in AFTER_CLOSE or self.stack[index] in BEFORE_CLOSE:
                return index
        return None

    def _flush(self):
        for term, word in self.pending:
            question = _("What does “%(word)s” mean?") % {"word": word}
            self.out.append(
                f'<details class="definition"><summary>{html.escape(question, quote=False)}</summary>'
                f"<p>{html.escape(term['definition'], quote=False)}</p></details>"
            )
        self.pending = []
