from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from education.text import render_markdown
from glossary.marking import mark, table

register = template.Library()


def _used(request):
    """The term ids marked so far on this page, in order; kept on the request, which renders one page."""
    if not hasattr(request, "_glossary_terms"):
        request._glossary_terms = []
    return request._glossary_terms


@register.simple_tag(takes_context=True)
def glossary_text(context, text):
    """Markdown rendered and sanitised (education.text), then the first use of each term on the page marked."""
    marked, new = mark(render_markdown(text), translation.get_language(), _used(context["request"]))
    _used(context["request"]).extend(new)
    # Safe: the sanitiser's output, with only our own tags and escaped definitions added.
    return mark_safe(marked)


@register.simple_tag(takes_context=True)
def glossary_words(context):
    """The terms marked on this page, A to Z, for "Words used on this page"."""
    terms = table(translation.get_language()).terms
    words = [terms[term_id] for term_id in _used(context["request"]) if term_id in terms]
    return sorted(words, key=lambda word: sort_key(word["word"]))


def sort_key(word):
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))
