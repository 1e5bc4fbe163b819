import unicodedata

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from education.text import render_markdown
from glossary.marking import glossary_version, mark, table

register = template.Library()


def _page(context):
    """This page's glossary state, kept on the request (one request renders one page), or on the context when a
    template is rendered without one: the glossary version, read from the cache once, and the ids of the terms
    marked so far, in order."""
    holder = context.get("request") or context.render_context
    state = getattr(holder, "_glossary", None)
    if state is None:
        state = {"version": glossary_version(context.get("request")), "used": []}
        holder._glossary = state
    return state


@register.simple_tag(takes_context=True)
def glossary_text(context, text):
    """Markdown rendered and sanitised (education.text), then the first use of each term on the page marked."""
    return _marked(context, render_markdown(text))


@register.simple_tag(takes_context=True)
def glossary_field(context, item, field):
    """An item's Markdown field as the sanitised HTML stored at save (Publishable.html), terms marked."""
    return _marked(context, item.html(field))


def _marked(context, sanitised_html):
    page = _page(context)
    marked, new = mark(sanitised_html, translation.get_language(), page["used"], page["version"])
    page["used"].extend(new)
    # Safe: the sanitiser's output, with only our own tags and escaped definitions added.
    return mark_safe(marked)


@register.simple_tag(takes_context=True)
def glossary_words(context):
    """The terms marked on this page, A to Z, for "Words used on this page"."""
    page = _page(context)
    terms = table(translation.get_language(), page["version"]).terms
    words = [terms[term_id] for term_id in page["used"] if term_id in terms]
    return sorted(words, key=lambda word: sort_key(word["word"]))


def sort_key(word):
    """A–Z order that ignores case and accents ("è" sorts with "e")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))
