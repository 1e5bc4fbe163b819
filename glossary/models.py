"""Medical words explained in plain language, in each language, with the word forms a text may use."""
import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TermQuerySet(models.QuerySet):
    def published(self):
        """Terms patients see: reviewed by a clinician on a date (the glossary's one rule, like published())."""
        return self.filter(reviewed_by__isnull=False, last_reviewed__isnull=False)

    def in_language(self, language):
        """Published terms with a word and a definition of their own in `language`."""
        return self.published().exclude(Q(**{f"term_{language}": ""}) | Q(**{f"definition_{language}": ""}))


class Term(models.Model):
    term = models.CharField(_("word"), max_length=100, help_text=_("As patients read it, e.g. “sebaceous gland”."))
    forms = models.TextField(
        _("other forms"),
        blank=True,
        help_text=_("Other forms of the word that texts use, one a line, e.g. “sebaceous glands”."),
    )
    definition = models.TextField(
        _("plain definition"), help_text=_("One or two short sentences a patient understands without help.")
    )
    slug = models.SlugField(
        _("anchor"), max_length=100, unique=True, help_text=_("The term's address on the glossary page (English).")
    )
    reviewed_by = models.ForeignKey(
        "education.Clinician",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("Patients see a term once a clinician has reviewed it."),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        permissions = [("review_term", _("Can record the medical review of a glossary term"))]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('glossary:index')}#{self.anchor}"

    @property
    def anchor(self):
        return f"term-{self.slug}"

    def word_forms(self, language):
        """The word and its other forms in `language`, longest first."""
        forms = re.split(r"[\n,;]", getattr(self, f"forms_{language}") or "")
        words = [getattr(self, f"term_{language}") or "", *forms]
        return sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)

    @property
    def is_published(self):
        return bool(self.reviewed_by_id and self.last_reviewed)
