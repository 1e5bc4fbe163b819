from itertools import groupby

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from education.views import language_links

from .marking import table
from .templating import sort_key


@require_safe
def index(request):
    """Every published term of this language A to Z, grouped by letter, each with its anchor."""
    terms = sorted(table(translation.get_language()).terms.values(), key=lambda term: sort_key(term["word"]))
    by_letter = groupby(terms, key=lambda term: sort_key(term["word"])[:1].upper())
    letters = [(letter, list(group)) for letter, group in by_letter]
    context = {"letters": letters, "language_links": language_links(request)}
    return render(request, "glossary/index.html", context)
