"""The site search's tables: each item's text per language, the synonyms editors manage, and the vocabulary.

The tables keep the names they had in the education app (`db_table`), so moving search to its own app moved no data.
"""
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
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


class SearchDocument(models.Model):
    """One item's text in one language, as patients read it; search/engine.py indexes and queries it.

    Holds every item whatever its status, with the item's visibility window: a search keeps the rows visible now, and
    reads the items it shows through the kind's registered `visible`, which has the last word.
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("item"))
    language = models.CharField(_("language"), max_length=10)
    title = models.TextField(_("title"))
    summary = models.TextField(_("in brief"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # The item's window (registry.Kind.window), so a search applies the published rule to its own rows.
    visible_from = models.DateTimeField(_("visible from"), null=True, blank=True)
    visible_until = models.DateTimeField(_("visible until"), null=True, blank=True)

    class Meta:
        db_table = "education_searchdocument"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="search_document_unique"),
        ]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.language})"


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
        db_table = "education_synonym"
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
    """A word that some indexed text contains, for spelling suggestions (search/engine.py).

    Words are added as texts are indexed and cleared by a rebuild; a suggestion is offered only once a search for it
    finds pages patients may see, so a word that only a draft contains is never suggested.
    """

    language = models.CharField(_("language"), max_length=10)
    word = models.CharField(_("word without accents"), max_length=40)
    display = models.CharField(_("word as written"), max_length=40)

    class Meta:
        db_table = "education_searchword"
        constraints = [models.UniqueConstraint(fields=["language", "word"], name="search_word_unique")]
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.display


class IndexedVector(models.Model):
    """A document's row in the PostgreSQL engine's own table: its tsvectors, beside copies of the columns a search
    filters on, so that a search never reads the large document rows (search/engine.py, PostgreSQLEngine).

    The table exists on PostgreSQL only, made by raw SQL in education's migrations 0002, 0004 and 0013 (no foreign
    key: Django's test flush truncates the document table alone; the engine deletes vectors itself), hence not managed.
    """

    document_id = models.BigIntegerField(primary_key=True)
    language = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    visible_from = models.DateTimeField(null=True)
    visible_until = models.DateTimeField(null=True)
    vector = SearchVectorField()  # the whole text, stems included: what a search matches
    rank_vector = SearchVectorField()  # title, summary and the opening of the body: what ranks the matches

    class Meta:
        managed = False
        db_table = "education_search_pg"

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.language})"
