"""The risky-claims rules staff keep in the admin, and the compiled rules every process checks text with.

Each rule is a pattern in the checker's syntax (education/data/risky_phrases.txt explains it), with a reason and a
safer wording the editor sees. The shipped rules of that file are the starting data (migration 0010, and again after
a test database is flushed). Every save or delete of a rule replaces one version token stored in the database, in the
same transaction (the scope "claimrules" of the portal's one table of versions, education/cache.py); each process
keeps its compiled rules under the token it read and reads the token again on every check, so a rule saved in one
worker is used by every other worker on its next check. The token is random, not a counter: a rolled-back change can
never leave rules cached under a version that a later change reuses.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import quality

CATEGORIES = [
    ("absolute-safety", _("absolute safety")),
    ("promise", _("promise")),
    ("superiority", _("superiority")),
    ("hype", _("hype")),
    ("pressure", _("pressure")),
]


class ClaimRuleQuerySet(models.QuerySet):
    # Bulk writes (the admin's "delete selected") change the rules too.
    def delete(self):
        with transaction.atomic():
            result = super().delete()
            bump_rules_version()
        return result

    def update(self, **kwargs):
        with transaction.atomic():
            count = super().update(**kwargs)
            bump_rules_version()
        return count


class ClaimRule(models.Model):
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    category = models.CharField(_("kind of claim"), max_length=20, choices=CATEGORIES)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        help_text=_(
            "The claim's words in their base form (guarantee, sicuro): every form matches, and misspellings too. "
            "a/b: either word; word?: may be missing; ..2: up to two words of any kind; {harm}: any entry of that "
            "word list; =word: only this form. Denied claims (“nobody can guarantee results”) never count."
        ),
    )
    reason = models.CharField(_("why it is risky"), max_length=300, help_text=_("Shown to the editor."))
    suggestion = models.CharField(
        _("safer wording"), max_length=300, help_text=_("Shown to the editor: a safer way to say it.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active rules check texts."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClaimRuleQuerySet.as_manager()

    class Meta:
        ordering = ["language", "category", "pattern"]
        verbose_name = _("risky-claim rule")
        verbose_name_plural = _("risky-claim rules")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "pattern"],
                name="unique_claim_rule_pattern",
                violation_error_message=_("This language already has a rule with this pattern."),
            )
        ]

    def __str__(self):
        return f"{self.language.upper()}: {self.pattern}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            bump_rules_version()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            bump_rules_version()
        return result

    def clean(self):
        super().clean()
        self.pattern = " ".join((self.pattern or "").split())
        if self.pattern and self.language in dict(settings.LANGUAGES):
            try:
                quality.check_pattern(self.pattern, self.language)
            except quality.PatternError as error:
                raise ValidationError({"pattern": str(error)}) from None


def bump_rules_version(using="default"):
    from .cache import CLAIM_RULES, new_scope_version

    new_scope_version(CLAIM_RULES, using)


def rules_version():
    """The version of the rules in the database (None before the first): one small query."""
    from .cache import CLAIM_RULES, read_versions

    return read_versions([CLAIM_RULES])[0] or None


_compiled = {}  # language -> (version, RuleSet): this process's compiled rules


def _compiled_for(language, version):
    found = _compiled.get(language)
    if found is None or found[0] != version or version is None:
        entries = (
            ClaimRule.objects.filter(language=language, active=True)
            .order_by("pk")  # the shipped file's order, then staff additions
            .values_list("category", "pattern", "reason", "suggestion")
        )
        found = _compiled[language] = (version, quality.RuleSet(language, entries, skip_broken=True))
    return found[1]


def rules_in_force(language):
    """The active rules of `language`, compiled once per rules version."""
    return _compiled_for(language, rules_version())


def all_rules_in_force():
    """{language: RuleSet} for every language, reading the version once (one query when nothing changed)."""
    version = rules_version()
    return {code: _compiled_for(code, version) for code, _name in settings.LANGUAGES}


def seed_shipped_rules(rule_model, using="default"):
    """Load the shipped rules of every language and start the version (the model may be a migration's)."""
    rule_model.objects.using(using).bulk_create(
        rule_model(language=code, category=category, pattern=pattern, reason=reason, suggestion=suggestion)
        for code, _name in settings.LANGUAGES
        for category, pattern, reason, suggestion in quality.shipped_rules(code)
    )
    bump_rules_version(using)


def seed_after_flush(using="default", **kwargs):
    """post_migrate handler: a flushed database (a test database) gets the shipped rules back.

    `flush` sends post_migrate without a migration plan. After `migrate` this does nothing: migration 0011 seeds a new
    database, and one whose staff removed every rule keeps it that way.
    """
    if "plan" in kwargs:
        return
    if not ClaimRule.objects.using(using).exists():
        seed_shipped_rules(ClaimRule, using)
