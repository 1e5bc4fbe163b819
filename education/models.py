"""Content the clinic publishes for patients: topics, articles, procedure notes and FAQs, with who reviewed them.

Every text field of every model here is cleaned on save by education.text.clean_text (connected in apps.py).
"""
import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from images.models import image_upload_to  # noqa: F401  (migration 0001 names it here)

from .addresses import address, pk_address, slug_address
from .leaflets import Leaflet
from .rules import ClaimRule  # noqa: F401  (the staff's risky-claim rules: their own module)
from .text import rendered_markdown, stored_html

REVIEW_DUE_SOON_DAYS = 30


def one_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


# The published rule, the one definition of what a patient may see. An item is visible from `visible_from` (its
# publish time once it is published, None before) until `visible_until` (its expiry, None for never). Written two
# ways for two readers, each a transcription of the same two bounds: a Q for querysets (published()) and a test in
# Python for one item (is_public). The search app stores each item's bounds (visible_from, visible_until) and filters
# on them itself; tests/test_visibility.py checks that all of these agree on every state.


def visible_bounds(status, publish_at, expire_at):
    """(visible_from, visible_until) of an item in this state."""
    if status != Status.PUBLISHED:
        return None, None
    return publish_at, expire_at


def is_visible(visible_from, visible_until, now):
    return visible_from is not None and visible_from <= now and (visible_until is None or now < visible_until)


def visible_q(now, visible_from="publish_at", visible_until="expire_at"):
    return Q(**{f"{visible_from}__lte": now}) & (
        Q(**{f"{visible_until}__isnull": True}) | Q(**{f"{visible_until}__gt": now})
    )


class TranslatedSlugQuerySet(models.QuerySet):
    def by_slug(self, slug):
        """Items whose slug in the active language is `slug`, or whose English slug is, when that language has none."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        if language == default:
            return self.filter(**{f"slug_{default}": slug})
        return self.filter(
            Q(**{f"slug_{language}": slug}) | Q(**{f"slug_{language}__isnull": True, f"slug_{default}": slug})
        )


class PublishableQuerySet(TranslatedSlugQuerySet):
    def published(self, now=None):
        """The one rule for what a patient may see: published, its publish time has come, its expiry has not.

        `now` is the moment to judge at, the current time unless given (education/page_data.py prepares queries
        with a stand-in time that each request replaces with its own)."""
        return self.filter(visible_q(now or timezone.now()), status=Status.PUBLISHED)

    def with_review(self):
        """Each language's reviewing clinician and photo, in the same query: the trust lines name them."""
        return self.select_related(
            *(f"reviewed_by_{code}__photo" for code, _name in settings.LANGUAGES),
            # The leaflet's version is the live approval's number (education/leaflets.py).
            *(f"approval_{code}" for code, _name in settings.LANGUAGES),
        )

    def listed(self):
        """Only the columns a list of links to these items shows, in every language: pages stay cheap as items grow."""
        return self.only("status", "publish_at", *self.model.listing_fields)

    def visible_to(self, user):
        """What a page may show this visitor: everything for staff who may view it (a preview), else published()."""
        opts = self.model._meta
        if user.is_authenticated and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.all()
        return self.published()

    def needing_update(self, language):
        """Items whose text in another language changed since their text in `language` was made from it."""
        others = _others_version(lambda code: F(f"text_version_{code}"), language)
        return self.filter(**{f"made_from_{language}__lt": others}).exclude(
            pk__in=self.missing_translation(language).values("pk")
        )

    def review_due(self, within_days=REVIEW_DUE_SOON_DAYS):
        """Published or in-review items whose next review is overdue or falls within `within_days`."""
        limit = timezone.localdate() + datetime.timedelta(days=within_days)
        return self.exclude(status=Status.DRAFT).filter(
            Q(next_review_due__lte=limit) | Q(next_review_due__isnull=True)
        )

    def scheduled(self):
        """Published items whose publish time is still to come: what `published()` will add, and when."""
        # Visible from a later moment than now, and not expired by then (an expiry before the start shows nothing).
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now()).exclude(
            expire_at__lte=F("publish_at")
        )

    def boundaries(self, now=None):
        """The next moment each published item appears or expires, as `moment`: when `published()` changes."""
        now = now or timezone.now()
        return (
            self.filter(Q(publish_at__gt=now) | Q(expire_at__gt=now), status=Status.PUBLISHED)
            .annotate(moment=Case(When(publish_at__gt=now, then=F("publish_at")), default=F("expire_at")))
            .order_by()
            .values("moment")
        )

    def missing_translation(self, language):
        """Items with a required text field still empty in `language`."""
        empty = Q()
        for field in self.model.required_translations:
            empty |= Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})
        return self.filter(empty)


class Versioned(models.Model):
    """Who saved an item last and a counter that lets the admin refuse an edit made on a stale copy."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        super().save(*args, **kwargs)


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def fingerprint(values):
    """SHA-256 of a dict of field values, the same whatever the order of its keys."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def published_has_approval():
    """The database's own guard: a published row always carries the approval of its default-language text."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return models.CheckConstraint(
        condition=~Q(status=Status.PUBLISHED)
        | Q(**{f"approval_{default}__isnull": False, f"reviewed_by_{default}__isnull": False,
               f"last_reviewed_{default}__isnull": False}),
        name="%(app_label)s_%(class)s_published_approved",
    )


def translated_text_fields(model, localized=True):
    """The text fields patients read in each language (title, summary, body...), as per-language names."""
    from modeltranslation.translator import translator

    names = [
        name
        for name in translator.get_options_for_model(model).fields
        if name != "slug" and isinstance(model._meta.get_field(name), (models.CharField, models.TextField))
    ]
    if not localized:
        return names
    return [f"{name}_{code}" for name in names for code, _lang in settings.LANGUAGES]


# What save() computes, so a save limited to some fields still stores it.
QUALITY_FIELDS = (
    "quality",
    "rendered",
    "claims_acknowledged",
    "claims_acknowledged_at",
    "claims_acknowledged_by",
    *(
        f"{field}_{code}"
        for field in ("text_changed", "text_version", "made_from")
        for code, _name in settings.LANGUAGES
    ),
)


def _others_version(values, language):
    """The sum of the other languages' text versions: it grows whenever any of them changes."""
    return sum(values(code) for code, _name in settings.LANGUAGES if code != language)


def glossary_defined(language):
    """The words the clinic's glossary defines in `language`, for the readability warnings."""
    from glossary.models import Term

    from . import quality

    return quality.glossary_words(
        (form for term in Term.objects.in_language(language) for form in term.word_forms(language)), language
    )


def readability_summary(score):
    """A quality.Readability as stored in the report (JSON), or None for a text with no words."""
    if score is None:
        return None
    return {
        "measure": score.measure,
        "score": score.score,
        "target": score.target,
        "target_met": score.target_met,
        "longest": [sentence.text for sentence in score.longest_sentences],
        "warnings": [list(warning) for warning in score.warnings],
    }


def quality_report(item):
    """Readability, risky phrases and content accessibility per language, stored with the item on every save."""
    from . import quality
    from .rules import all_rules_in_force

    rules = all_rules_in_force()  # the staff's rules, read once for every field and language
    report = {}
    for code, _name in settings.LANGUAGES:
        defined = glossary_defined(code)
        scored = "\n\n".join(getattr(item, f"{f}_{code}") or "" for f in item.readability_fields)
        score = quality.readability(scored, code, glossary=defined)
        claims, accessibility = [], []
        for field in translated_text_fields(type(item), localized=False):
            found = quality.check_field(getattr(item, f"{field}_{code}"), code, rules[code])
            claims.extend({"language": code, "field": field, **claim._asdict()} for claim in found.claims)
            accessibility.extend({"field": field, **finding._asdict()} for finding in found.accessibility)
        report[code] = {
            "readability": readability_summary(score),
            "claims": claims,
            "accessibility": accessibility,
        }
    return report


class Clinician(Versioned):
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, help_text=_("Shown to patients, e.g. “Dermatologist”."))
    credentials = models.CharField(_("credentials"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinician",
        verbose_name=_("staff account"),
        help_text=_("The account this clinician signs reviews with."),
    )
    photo = models.ForeignKey(
        "images.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinicians",
        verbose_name=_("photo"),
        help_text=_("Shown small next to the pages this clinician reviewed."),
    )
    demo = models.BooleanField(
        _("demo placeholder"),
        default=False,
        editable=False,
        help_text=_("A made-up clinician of the demo content: never signs anything with DJANGO_DEBUG off."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")

    def __str__(self):
        return f"{self.name}, {self.role}"


class Source(Versioned):
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)

    class Meta:
        ordering = ["publisher", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.year})" if self.year else f"{self.title} ({self.publisher})"


class Topic(Versioned):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("The last part of the page address."))
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TranslatedSlugQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("education:topic", self.slug)


class Publishable(Versioned):
    """What every item a patient reads has: a status, a publish time, and per language the approval of its text.

    The row holds the live text, and for a published item only text a clinician approved in that language (a
    language without one is left empty, so patients get the English fallback). Changes to a live item wait in
    `draft` until they are approved and published (education/services.py).
    """

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_(
            "Patients see this item from this moment on, once it is published. A time already past becomes the "
            "moment it is published."
        ),
    )
    expire_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Optional: patients no longer see this item from this moment on."),
    )
    # Per language (reviewed_by_en, last_reviewed_en, approval_en, ...): who approved the live text, and when.
    reviewed_by = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("The clinician who approved the live text in this language."),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True, editable=False)
    approval = models.ForeignKey(
        "Approval",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("approval of the live text"),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_("Set to twelve months after the oldest approval of the live text each time it is published."),
    )
    # The pending changes to a published item: {"body_en": "...", "topics": [3, 5]}; applied on publish.
    draft = models.JSONField(_("pending changes"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Per language (text_changed_en, text_changed_it): when that language's text last changed.
    text_changed = models.DateTimeField(_("text last changed"), null=True, blank=True, editable=False)
    # Per language: how many times its text changed, and the other languages' versions (summed) it was made from.
    # A language is behind when the others have changed since: an empty stamp or a fixture counts as version 0.
    text_version = models.PositiveIntegerField(_("text version"), default=0, editable=False)
    made_from = models.PositiveIntegerField(_("made from version"), default=0, editable=False)
    quality = models.JSONField(_("content checks"), default=dict, blank=True, editable=False)
    claims_acknowledged = models.JSONField(_("acknowledged phrases"), default=list, blank=True, editable=False)
    claims_acknowledged_at = models.DateTimeField(_("phrases acknowledged at"), null=True, blank=True, editable=False)
    claims_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("phrases acknowledged by"),
    )
    # The sanitised HTML of every Markdown field in every language, made at save and filed by its text's digest
    # ({digest: html}), so a page never renders Markdown and never shows HTML of a text it no longer holds.
    rendered = models.JSONField(_("rendered text"), default=dict, blank=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    # Translated text fields that must be filled for a language to count as complete.
    required_translations = ()
    # The patient text whose readability is scored (summaries and titles are too short to score).
    readability_fields = ()
    # What a list of these items shows (see PublishableQuerySet.listed).
    listing_fields = ("title", "slug", "summary")
    # Untranslated fields patients see (links, image): part of every language's approval.
    shared_fields = ()
    # Fields that must say the same in every language before that language goes live (a procedure's safety text).
    safety_fields = ()
    # The translated fields written in Markdown: stored as HTML too, at save (see `rendered`).
    markdown_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, acknowledged_by=None, **kwargs):
        """Also stores the content checks; `acknowledged_by` (a reviewer) accepts the risky phrases of this text."""
        if not self.next_review_due:
            dates = [d for d in (getattr(self, f"last_reviewed_{code}", None) for code in language_codes()) if d]
            if dates:
                self.next_review_due = one_year_after(min(dates))
        self.note_text_changes()
        update_fields = kwargs.get("update_fields")
        text = {*translated_text_fields(type(self)), *translated_text_fields(type(self), localized=False)}
        text_saved = update_fields is None or not text.isdisjoint(update_fields)
        if text_saved or not self.quality:
            # A save that leaves the text as it is (a draft, a status) keeps the checks of that text.
            self.__dict__.pop("_checks", None)  # fresh: the glossary may have changed since
            self.quality = self.checks()
        if text_saved or not self.rendered:
            self.rendered = rendered_markdown(self, self.markdown_fields)
        if acknowledged_by is not None:
            self.acknowledge_claims(self.quality, acknowledged_by)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *QUALITY_FIELDS}
        super().save(*args, **kwargs)

    @property
    def visible_from(self):
        """When patients may see this item: its publish time once it is published, None while it is not.

        The search index stores it with visible_until, so a search need not read every matching item's row.
        """
        return visible_bounds(self.status, self.publish_at, self.expire_at)[0]

    @property
    def visible_until(self):
        """When patients stop seeing this item (its expiry once published), None for never."""
        return visible_bounds(self.status, self.publish_at, self.expire_at)[1]

    @property
    def is_public(self):
        """published() for one item."""
        return is_visible(self.visible_from, self.visible_until, timezone.now())

    # The text patients read, and what a clinician approves ---------------------------------------------------------

    def html(self, field):
        """The sanitised HTML of Markdown `field` as shown in the active language (the fallback language's when
        this one has no text), from what save() stored; text set since (a staff preview of pending changes) is
        rendered now."""
        return stored_html(self.rendered, getattr(self, field))

    @classmethod
    def language_fields(cls, language):
        """The translated fields patients read in `language`: title, slug, summary, body, key facts..."""
        names = [f"{name}_{language}" for name in (*translated_text_fields(cls, localized=False), "slug")
                 if hasattr(cls, f"{name}_{language}")]
        return sorted(names, key=lambda name: cls._meta.get_field(name).creation_counter)  # the form's order

    def live_values(self):
        """The live text of every language and the shared fields, as stored in the row (links as sorted ids)."""
        values = {}
        for code in language_codes():
            for name in self.language_fields(code):
                values[name] = getattr(self, name) or ""
        for name in self.shared_fields:
            field = self._meta.get_field(name)
            if field.many_to_many:
                values[name] = sorted(getattr(self, name).values_list("pk", flat=True)) if self.pk else []
            else:
                values[name] = getattr(self, field.attname)
        return values

    def working_values(self):
        """What the next publish would show: the live text with the pending changes over it."""
        return self.live_values() | self.draft

    def approval_values(self, language, values=None):
        """The part of `values` one language's approval covers: that language's text and the shared fields."""
        values = self.working_values() if values is None else values
        return {name: values[name] for name in (*self.language_fields(language), *self.shared_fields)}

    def digest(self, language, values=None):
        """A fingerprint of exactly what a clinician approves in `language`: any change gives another one."""
        return fingerprint(self.approval_values(language, values))

    def approvals(self):
        return Approval.objects.filter(kind=self._meta.model_name, object_id=self.pk)

    def latest_approvals(self):
        """{language: its newest Approval} for the languages that have one."""
        latest = {}
        for approval in self.approvals().select_related("clinician").order_by("number"):
            latest[approval.language] = approval
        return latest

    def approved_languages(self, values=None):
        """{language: Approval} for each language whose working text (or `values`) is what its newest approval
        covers."""
        return {
            code: approval
            for code, approval in self.latest_approvals().items()
            if approval.digest == self.digest(code, values)
        }

    def incomplete_languages(self, values):
        """Languages in which `values` leave a required field empty, or (procedures) a safety field the default
        language fills."""
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        incomplete = []
        for code in language_codes():
            required = any(not values.get(f"{field}_{code}") for field in self.required_translations)
            safety = any(
                values.get(f"{field}_{default}") and not values.get(f"{field}_{code}") for field in self.safety_fields
            )
            if required or safety:
                incomplete.append(code)
        return incomplete

    def publishing_problems(self):
        """Why this item may not be published yet: the one rule for sign-off, used by the workflow and actions."""
        problems = []
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        approved = self.approved_languages()
        live = self.status == Status.PUBLISHED
        if default not in approved and not live:
            problems.append(
                _("The %(language)s text has no approval of its current version: a clinical reviewer must approve it.")
                % {"language": dict(settings.LANGUAGES)[default]}
            )
        elif not approved:
            problems.append(_("No language has an approval of its current text: there is nothing to publish."))
        if self.open_claims():
            problems.append(
                _(
                    "The text has risky phrases that a clinical reviewer has not acknowledged yet: check them in "
                    "“Content checks” and tick “I have checked the flagged phrases”."
                )
            )
        return problems

    def show_pending_changes(self):
        """Put the pending text into this (unsaved) instance, for a staff preview; links are not previewed."""
        for name, value in self.draft.items():
            if not self._meta.get_field(name).is_relation:
                setattr(self, name, value)

    def working_copy(self):
        """An unsaved copy of the item holding its working text (the pending changes applied), for checks."""
        import copy

        working = copy.copy(self)
        working.show_pending_changes()
        return working

    def checks(self, item=None):
        """quality_report() of this item's text (or of `item`, its working copy), run once per text and version of the
        claim rules: a save and the open-claims check after it share one run."""
        from .rules import rules_version

        item = self if item is None else item
        text = {name: getattr(item, name) for name in translated_text_fields(type(self))}
        key = fingerprint({"text": text, "rules": rules_version()})
        memo = self.__dict__.setdefault("_checks", {})
        if key not in memo:
            memo[key] = quality_report(item)
        return memo[key]

    def acknowledge_claims(self, report, user):
        """Record that `user` accepted every risky phrase of `report` (a quality_report of the text to be shown)."""
        self.claims_acknowledged = [claim for language in report.values() for claim in language["claims"]]
        self.claims_acknowledged_at = timezone.now()
        self.claims_acknowledged_by = user

    def open_claims(self):
        """Risky phrases in the working text (what the next publish shows) that no reviewer has acknowledged."""
        acknowledged = {(c["language"], c["phrase"], c["sentence"]) for c in self.claims_acknowledged}
        return [
            claim
            for report in self.checks(self.working_copy()).values()
            for claim in report["claims"]
            if (claim["language"], claim["phrase"], claim["sentence"]) not in acknowledged
        ]

    def note_text_changes(self):
        """Count a new version of each language whose text differs from the saved copy.

        A changed language was written from the others as they are now. When it was behind, the change is its
        translation catching up, so it does not put the other languages behind in turn.
        """
        fields = translated_text_fields(type(self))
        saved = type(self)._base_manager.filter(pk=self.pk).values(*fields).first() if self.pk else None
        behind = {code: self.needs_update(code) for code, _name in settings.LANGUAGES}  # before this save
        now = timezone.now()
        changed, catching_up = [], []
        for code, _name in settings.LANGUAGES:
            names = [f"{field}_{code}" for field in translated_text_fields(type(self), localized=False)]
            current = [getattr(self, name) or "" for name in names]
            before = [""] * len(names) if saved is None else [saved[name] or "" for name in names]
            # A language emptied on publish (its text not approved, so patients read the English) is not a change.
            if current != before and code not in self.missing_languages():
                changed.append(code)
                if behind[code] or not any(before):
                    catching_up.append(code)
        for code in changed:
            setattr(self, f"text_changed_{code}", now)
            setattr(self, f"text_version_{code}", (getattr(self, f"text_version_{code}") or 0) + 1)
        for code, _name in settings.LANGUAGES:
            if code in changed:
                self.mark_translation_current(code)
            elif not behind[code]:
                # A translation that caught up says nothing new: the languages that were current stay current.
                setattr(self, f"made_from_{code}", (getattr(self, f"made_from_{code}") or 0) + len(catching_up))

    def needs_update(self, language):
        """True when another language's text changed since this language's text was made from it."""
        if language in self.missing_languages():
            return False
        others = _others_version(lambda code: getattr(self, f"text_version_{code}") or 0, language)
        return (getattr(self, f"made_from_{language}") or 0) < others

    def newer_language(self, language):
        """The language whose text is newer than `language`'s, for the patient notice; None when up to date."""
        if not self.needs_update(language):
            return None
        others = [code for code, _name in settings.LANGUAGES if code != language]
        return max(others, key=lambda code: getattr(self, f"text_changed_{code}", None) or timezone.now())

    def mark_translation_current(self, language):
        """`language` says what the other languages say now (their versions are recorded; no other flag moves)."""
        others = _others_version(lambda code: getattr(self, f"text_version_{code}") or 0, language)
        setattr(self, f"made_from_{language}", others)

    def live_language(self):
        """The language patients read on this page now: the active one, or the default when it has no text here."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        return settings.MODELTRANSLATION_DEFAULT_LANGUAGE if language in self.missing_languages() else language

    @property
    def review(self):
        """Who approved the text shown in the active language, and on which day (lists show this much)."""
        language = self.live_language()
        return {
            "clinician": getattr(self, f"reviewed_by_{language}", None),
            "date": getattr(self, f"last_reviewed_{language}", None),
        }

    @property
    def last_updated(self):
        """When the text patients read in the active language last changed (a saved draft changes nothing here)."""
        return getattr(self, f"text_changed_{self.live_language()}", None) or self.publish_at

    @property
    def trust(self):
        """The trust lines of a page: its review, when its text last changed, and when the next review is due."""
        due = self.next_review_due
        updated = self.last_updated
        return {
            **self.review,
            "updated": timezone.localdate(updated) if updated else None,
            "next_review_due": due,
            "overdue": due is not None and due < timezone.localdate(),
        }

    def missing_languages(self):
        """Languages in which a required text field is still empty."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if any(not getattr(self, f"{field}_{code}", "") for field in self.required_translations)
        ]


class ProcedureNote(Leaflet, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The last part of the page address."))
    summary = models.TextField(_("in brief"), help_text=_("Two or three plain sentences shown at the top."))
    duration = models.CharField(_("how long it takes"), max_length=120, blank=True)
    numbing = models.CharField(_("numbing"), max_length=120, blank=True)
    downtime = models.CharField(_("downtime"), max_length=120, blank=True)
    sessions = models.CharField(_("sessions needed"), max_length=120, blank=True)
    what_it_is = models.TextField(_("what it is"), blank=True)
    how_it_works = models.TextField(_("how it works"), blank=True)
    who_it_is_for = models.TextField(_("who it is for"), blank=True)
    before = models.TextField(_("before your appointment"), blank=True)
    during = models.TextField(_("during the treatment"), blank=True)
    aftercare = models.TextField(_("aftercare"), blank=True)
    risks = models.TextField(_("risks and side effects"), blank=True)
    results = models.TextField(_("results and how long they last"), blank=True)
    when_to_contact = models.TextField(_("when to contact the clinic"), blank=True)
    image = models.ForeignKey(
        "images.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("image"),
        help_text=_("Shown at the top of the page."),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="procedures", verbose_name=_("topics"))
    sources = models.ManyToManyField(Source, blank=True, related_name="procedures", verbose_name=_("sources"))

    required_translations = ("title", "slug", "summary", "what_it_is", "risks", "when_to_contact")
    shared_fields = ("image", "topics", "sources")
    safety_fields = ("summary", "who_it_is_for", "risks", "when_to_contact")
    readability_fields = (
        "what_it_is", "how_it_works", "who_it_is_for", "before", "during", "aftercare", "risks", "results",
        "when_to_contact",
    )
    # The fixed sections, in the order patients read them. Markdown, rendered safely.
    SECTIONS = (
        "what_it_is",
        "how_it_works",
        "who_it_is_for",
        "before",
        "during",
        "aftercare",
        "risks",
        "results",
        "when_to_contact",
    )
    KEY_FACTS = ("duration", "numbing", "downtime", "sessions")
    markdown_fields = SECTIONS
    leaflet_prefix = "TRT"

    class Meta:
        ordering = ["title"]
        verbose_name = _("procedure note")
        constraints = [published_has_approval()]
        permissions = [("publish_procedurenote", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("procedure notes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("education:procedure", self.slug)


class Article(Leaflet, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The last part of the page address."))
    summary = models.TextField(_("in brief"), help_text=_("Two or three plain sentences shown at the top."))
    body = models.TextField(
        _("body"), help_text=_("Markdown: ## for a heading, - for a list item, a blank line between paragraphs.")
    )
    image = models.ForeignKey(
        "images.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("image"),
        help_text=_("Shown at the top of the page."),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles", verbose_name=_("topics"))
    procedures = models.ManyToManyField(
        ProcedureNote, blank=True, related_name="articles", verbose_name=_("related procedures")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="articles", verbose_name=_("sources"))

    required_translations = ("title", "slug", "summary", "body")
    readability_fields = ("body",)
    markdown_fields = ("body",)
    shared_fields = ("image", "topics", "procedures", "sources")
    leaflet_prefix = "ART"

    class Meta:
        ordering = ["-publish_at", "title"]
        constraints = [published_has_approval()]
        indexes = [
            # The newest published articles, without reading every row: home and topic pages ask for them.
            models.Index(fields=["status", "publish_at"], name="article_status_publish_idx"),
            # Which of a topic's articles are published, from the index alone: counting a topic's articles read
            # every article row (all 10,000 of a large library) without it.
            models.Index(fields=["id", "status", "publish_at"], name="article_visibility_idx"),
        ]
        verbose_name = _("article")
        permissions = [("publish_article", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("education:article", self.slug)


class FAQ(Publishable):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Markdown, a few short paragraphs at most."))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="faqs", verbose_name=_("topic"))
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="faqs",
        verbose_name=_("related article"),
    )
    procedure = models.ForeignKey(
        ProcedureNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faqs",
        verbose_name=_("related procedure"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower numbers come first."))

    required_translations = ("question", "answer")
    listing_fields = (
        "question", "answer", "rendered", "topic", "article", "procedure", "order",
        *(f"{name}_{code}" for name in ("reviewed_by", "last_reviewed") for code, _name in settings.LANGUAGES),
    )
    readability_fields = ("answer",)
    markdown_fields = ("answer",)
    shared_fields = ("topic", "article", "procedure")

    class Meta:
        constraints = [published_has_approval()]
        indexes = [
            # A page of the questions list and its length read from the index alone, not from every row in full
            # (each holds its answer in every language and their HTML): 1.3 ms less a page of 500 questions.
            models.Index(fields=["status", "publish_at", "expire_at", "topic", "order", "id"], name="faq_listing_idx"),
        ]
        ordering = ["topic__order", "order", "pk"]
        verbose_name = _("FAQ")
        permissions = [("publish_faq", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("FAQs")

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return pk_address("education:faq_detail", self.pk)

    def get_list_url(self):
        return f"{address('education:faq')}#{self.anchor}"

    @property
    def anchor(self):
        return f"faq-{self.pk}"


class Page(Publishable):
    """A page about the service itself, such as how our information is written and reviewed."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The last part of the page address."))
    summary = models.TextField(_("in brief"), blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown: ## for a heading, - for a list item."))

    required_translations = ("title", "slug", "body")
    readability_fields = ("body",)
    markdown_fields = ("body",)

    class Meta:
        ordering = ["title"]
        constraints = [published_has_approval()]
        verbose_name = _("page")
        permissions = [("publish_page", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("education:page", self.slug)


class Pack(Leaflet, Publishable):
    """An instruction pack: the articles, procedure notes and FAQs staff give a patient together, in order, with an
    optional timeline of short instructions ("2 weeks before", "on the day").

    The items and the timeline are part of what a clinician approves (see `approval_values`), and they change only
    while the pack is not published: a live pack's approvals always cover what patients see.
    """

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The last part of the page address."))
    summary = models.TextField(_("in brief"), help_text=_("One or two plain sentences: what this pack is for."))
    # The items, through PackItem (its position orders them). Relations the page cache follows: a change to an
    # item makes the pages of the packs that hold it stale.
    articles = models.ManyToManyField(
        Article, through="PackItem", through_fields=("pack", "article"), blank=True, related_name="packs",
        verbose_name=_("articles"),
    )
    procedures = models.ManyToManyField(
        ProcedureNote, through="PackItem", through_fields=("pack", "procedure"), blank=True, related_name="packs",
        verbose_name=_("procedure notes"),
    )
    faqs = models.ManyToManyField(
        FAQ, through="PackItem", through_fields=("pack", "faq"), blank=True, related_name="packs",
        verbose_name=_("FAQs"),
    )

    required_translations = ("title", "slug", "summary")
    leaflet_prefix = "PCK"
    # The approved values that are not fields of the row (see contents()), as the sign-off page labels them.
    CONTENTS_LABELS = {
        "items": _("items"),
        **{f"timeline_{code}": _("timeline") for code, _name in settings.LANGUAGES},
    }

    class Meta:
        ordering = ["title"]
        constraints = [published_has_approval()]
        verbose_name = _("instruction pack")
        permissions = [("publish_pack", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("instruction packs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_address("education:pack", self.slug)

    @property
    def contents_locked(self):
        """A published pack's items and timeline stay as approved: unpublish it to change them."""
        return self.status == Status.PUBLISHED

    def contents(self, language):
        """The items in order and `language`'s timeline, as a clinician approves them (ids, not titles: an item's
        own text has its own sign-off)."""
        if self.pk is None:
            return {"items": [], f"timeline_{language}": []}
        items = [entry.key for entry in self.entries.all()]
        timeline = [
            [
                entry.offset_days,
                getattr(entry, f"label_{language}") or "",
                getattr(entry, f"instruction_{language}") or "",
            ]
            for entry in self.timeline.all()
        ]
        return {"items": items, f"timeline_{language}": timeline}

    def approval_values(self, language, values=None):
        return super().approval_values(language, values) | self.contents(language)

    def describe_contents(self, name, value):
        """contents() as reviewers read it: one paragraph per item or timeline entry."""
        if name == "items":
            models_by_kind = {"article": Article, "procedure": ProcedureNote, "faq": FAQ}
            lines = []
            for key in value:
                kind, pk = key.split(":")
                model = models_by_kind[kind]
                item = model._base_manager.filter(pk=pk).first()
                lines.append(f"{model._meta.verbose_name}: {item if item is not None else key}")
        else:
            lines = [f"{offset:+d} · {label}: {instruction}" for offset, label, instruction in value]
        return "\n\n".join(lines)

    def incomplete_languages(self, values):
        """A language whose timeline has an entry without its label or instruction is incomplete too."""
        incomplete = super().incomplete_languages(values)
        entries = list(self.timeline.all()) if self.pk else []
        for code in language_codes():
            if code not in incomplete and any(
                not getattr(e, f"label_{code}") or not getattr(e, f"instruction_{code}") for e in entries
            ):
                incomplete.append(code)
        return incomplete


class PackItemQuerySet(models.QuerySet):
    def for_patients(self):
        """The entries with their item read through `published()`: an item patients may not see comes back None."""
        return self.select_related(None).prefetch_related(
            models.Prefetch("article", queryset=Article.objects.published().listed()),
            models.Prefetch("procedure", queryset=ProcedureNote.objects.published().listed()),
            models.Prefetch("faq", queryset=FAQ.objects.published().listed()),
        )


class PackItem(models.Model):
    """One item of a pack, at its position: exactly one of article, procedure note or FAQ."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="entries", verbose_name=_("pack"))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("article")
    )
    procedure = models.ForeignKey(
        ProcedureNote, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("procedure note"),
    )
    faq = models.ForeignKey(
        FAQ, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("FAQ")
    )

    objects = PackItemQuerySet.as_manager()

    KINDS = ("article", "procedure", "faq")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, procedure__isnull=True, faq__isnull=True)
                | Q(article__isnull=True, procedure__isnull=False, faq__isnull=True)
                | Q(article__isnull=True, procedure__isnull=True, faq__isnull=False),
                name="pack_item_exactly_one",
            ),
        ]
        verbose_name = _("pack item")
        verbose_name_plural = _("pack items")

    def __str__(self):
        return str(self.item)

    def clean(self):
        chosen = [kind for kind in self.KINDS if getattr(self, f"{kind}_id")]
        if len(chosen) != 1:
            raise ValidationError(_("Choose exactly one article, procedure note or FAQ for each item."))

    @property
    def kind(self):
        return next((kind for kind in self.KINDS if getattr(self, f"{kind}_id")), None)

    @property
    def key(self):
        return f"{self.kind}:{getattr(self, f'{self.kind}_id')}"

    @property
    def item(self):
        """The article, procedure note or FAQ (None when read through for_patients() and patients may not see it)."""
        return getattr(self, self.kind) if self.kind else None


class TimelineEntry(models.Model):
    """One step of a pack's timeline: a short instruction for a day counted from the appointment."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("pack"))
    offset_days = models.SmallIntegerField(
        _("days from the appointment"),
        help_text=_("Negative before the appointment, 0 on the day, positive after: e.g. -14, -1, 0, 1, 14."),
    )
    label = models.CharField(_("when"), max_length=80, help_text=_("How patients read the day, e.g. “2 weeks before”."))
    instruction = models.CharField(_("instruction"), max_length=300, help_text=_("One or two short sentences."))

    class Meta:
        ordering = ["offset_days", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self):
        return self.label


class Approval(models.Model):
    """A clinician's sign-off of one version of one language's text of one item, with exactly what was approved.

    Never changed after it is written, except by an administrator's correction, which must give a reason.
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("item"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("version"), help_text=_("1 for the first approval of this language."))
    digest = models.CharField(_("fingerprint of the approved text"), max_length=64)
    values = models.JSONField(_("approved text"), default=dict)
    clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("clinician")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in as"),
    )
    approved_on = models.DateField(_("approved on"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["kind", "object_id", "language", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language", "number"], name="approval_unique_number"),
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.language} v{self.number}"


class Step(models.TextChoices):
    EDITED = "edited", _("Changes saved")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with a comment")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
    CORRECTED = "corrected", _("Approval corrected")


class WorkflowEvent(models.Model):
    """One step of an item's workflow: who, when, which language and version, and any comment."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("item"))
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    number = models.PositiveIntegerField(_("approval version"), null=True, blank=True)
    version = models.PositiveIntegerField(_("item version"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "object_id"], name="workflow_event_item_idx")]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self):
        return f"{self.get_step_display()} {self.kind} {self.object_id}"


class Clinic(Versioned):
    """The clinic's contact details, shown in the footer and wherever a patient is told to get in touch."""

    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    emergency = models.TextField(
        _("in an emergency"),
        help_text=_("What a patient must do when it cannot wait, e.g. call 112."),
    )
    about_information = models.TextField(
        _("about this information"),
        blank=True,
        help_text=_(
            "Shown on every treatment page: who wrote the information, that the clinic offers the treatment and "
            "charges for it, and that no company sponsored it."
        ),
    )

    class Meta:
        verbose_name = _("clinic details")
        verbose_name_plural = _("clinic details")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()
