"""Tables the site search keeps beside its engine indexes: synonyms editors manage, and the published vocabulary.

Imported at the end of models.py so that Django registers both models in the education app.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def split_terms(text):
    """The terms of a synonym group: comma- or line-separated, spaces tidied, empty ones dropped."""
    terms = []
    for part in (text or "").replace("\n", ",").split(","):
        term = " ".join(part.split())
        if term and term.casefold() not in [seen.casefold() for seen in terms]:
            terms.append(term)
    return terms


class Synonym(models.Model):
    """Words and phrases that patients and clinicians use for the same thing, in one language."""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    terms = models.TextField(
        _("terms"),
        help_text=_(
            "Words or short phrases that mean the same, separated by commas, e.g. “botox, botulinum toxin”. "
            "A search for any of them finds pages with any of them."
        ),
    )

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return ", ".join(split_terms(self.terms))

    def clean(self):
        terms = split_terms(self.terms)
        if len(terms) < 2:
            raise ValidationError({"terms": _("Give at least two terms, separated by commas.")})
        if any(len(term) > 100 for term in terms):
            raise ValidationError({"terms": _("Each term may be at most 100 characters long.")})
        self.terms = ", ".join(terms)


class SearchWord(models.Model):
    """A word that some indexed text contains, for spelling suggestions (education/search.py).

    Words are added as texts are indexed and cleared by a rebuild; a suggestion is offered only once a search for it
    finds pages patients may see, so a word that only a draft contains is never suggested.
    """

    language = models.CharField(_("language"), max_length=10)
    word = models.CharField(_("word without accents"), max_length=40)
    display = models.CharField(_("word as written"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "word"], name="search_word_unique")]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.display
