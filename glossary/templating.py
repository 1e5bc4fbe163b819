"""The glossary in patient pages (Jinja2, installed by clinic/jinja2.py): the first use of each term on a page is
marked, and "Words used on this page" lists the terms marked."""
import unicodedata

from django.utils import translation
from django.utils.safestring import mark_safe
from jinja2 import pass_context

from glossary.marking import glossary_version, mark, table


def _page(context):
    """This page's glossary state, kept on the request (one request renders one page), or on the render's own
    context when a template is rendered without one: the glossary version, read once, and the ids of the terms
    marked so far, in order."""
    request = context.get("request")
    holder = request if request is not None else context
    state = getattr(holder, "_glossary", None)
    if state is None:
        state = {"version": glossary_version(request), "used": []}
        holder._glossary = state
    return state


@pass_context
def glossary_field(context, item, field):
    """An item's Markdown field as the sanitised HTML stored at save (Publishable.html), terms marked."""
    return _marked(context, item.html(field))


def _marked(context, sanitised_html):
    page = _page(context)
    marked, new = mark(sanitised_html, translation.get_language(), page["used"], page["version"])
    page["used"].extend(new)
    # Safe: the sanitiser's output, with only our own tags and escaped definitions added.
    return mark_safe(marked)


@pass_context
def glossary_words(context):
    """The terms marked on this page, A to Z, for "Words used on this page"."""
    page = _page(context)
    terms = table(translation.get_language(), page["version"]).terms
    words = [terms[term_id] for term_id in page["used"] if term_id in terms]
    return sorted(words, key=lambda word: sort_key(word["word"]))


def sort_key(word):
    """A–Z order that ignores case and accents ("è" sorts with "e")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))
