"""Content the clinic publishes for patients: topics, articles, procedure notes and FAQs, with who reviewed them."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

REVIEW_INTERVAL_DAYS = 365


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


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
    def published(self):
        """The one rule for what a patient may see: published, and its publish time has come."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def missing_translation(self, language):
        """Items with a required text field still empty in `language`."""
        empty = Q()
        for field in self.model.required_translations:
            empty |= Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})
        return self.filter(empty)


class Clinician(models.Model):
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, help_text=_("Shown to patients, e.g. “Dermatologist”."))
    credentials = models.CharField(_("credentials"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")

    def __str__(self):
        return f"{self.name}, {self.role}"


class Source(models.Model):
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


class Topic(models.Model):
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
        return reverse("education:topic", kwargs={"slug": self.slug})


class Publishable(models.Model):
    """What every item a patient reads has: a status, a publish time and a medical review."""

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("Patients see this item from this moment on, once it is published."),
    )
    reviewed_by = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("The clinician who checked this content."),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_("Left empty, it is set to twelve months after the last review."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    # Translated text fields that must be filled for a language to count as complete.
    required_translations = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = self.last_reviewed + datetime.timedelta(days=REVIEW_INTERVAL_DAYS)
        super().save(*args, **kwargs)

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    def missing_languages(self):
        """Languages in which a required text field is still empty."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if any(not getattr(self, f"{field}_{code}", "") for field in self.required_translations)
        ]


class ProcedureNote(Publishable):
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
    topics = models.ManyToManyField(Topic, blank=True, related_name="procedures", verbose_name=_("topics"))
    sources = models.ManyToManyField(Source, blank=True, related_name="procedures", verbose_name=_("sources"))

    required_translations = ("title", "slug", "summary", "what_it_is", "risks", "when_to_contact")
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

    class Meta:
        ordering = ["title"]
        verbose_name = _("procedure note")
        verbose_name_plural = _("procedure notes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:procedure", kwargs={"slug": self.slug})


class Article(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The last part of the page address."))
    summary = models.TextField(_("in brief"), help_text=_("Two or three plain sentences shown at the top."))
    body = models.TextField(_("body"), help_text=_("Markdown: ## for a heading, - for a list item, a blank line between paragraphs."))
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles", verbose_name=_("topics"))
    procedures = models.ManyToManyField(
        ProcedureNote, blank=True, related_name="articles", verbose_name=_("related procedures")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="articles", verbose_name=_("sources"))

    required_translations = ("title", "slug", "summary", "body")

    class Meta:
        ordering = ["-publish_at", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:article", kwargs={"slug": self.slug})


class FAQ(Publishable):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Markdown, a few short paragraphs at most."))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="faqs", verbose_name=_("topic"))
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="faqs", verbose_name=_("related article")
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

    class Meta:
        ordering = ["topic__order", "order", "pk"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"{reverse('education:faq')}#{self.anchor}"

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

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:page", kwargs={"slug": self.slug})


class Clinic(models.Model):
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

    class Meta:
        verbose_name = _("clinic details")
        verbose_name_plural = _("clinic details")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()


class SearchDocument(models.Model):
    """One item's text in one language, as patients read it; education/search.py indexes and queries it.

    Holds every item whatever its status: the search filters through `published()` when it answers.
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("item"))
    language = models.CharField(_("language"), max_length=10)
    title = models.TextField(_("title"))
    summary = models.TextField(_("in brief"), blank=True)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="search_document_unique"),
        ]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.language})"
