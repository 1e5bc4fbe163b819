"""Content the clinic publishes for patients: topics, articles, procedure notes and FAQs, with who reviewed them."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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

    def visible_to(self, user):
        """What a page may show this visitor: everything for staff who may view it (a preview), else published()."""
        opts = self.model._meta
        if user.is_authenticated and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.all()
        return self.published()

    def review_due(self, within_days=REVIEW_DUE_SOON_DAYS):
        """Published or in-review items whose next review is overdue or falls within `within_days`."""
        limit = timezone.localdate() + datetime.timedelta(days=within_days)
        return self.exclude(status=Status.DRAFT).filter(
            Q(next_review_due__lte=limit) | Q(next_review_due__isnull=True)
        )

    def scheduled(self):
        """Published items whose publish time is still to come: what `published()` will add, and when."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

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
        return reverse("education:topic", kwargs={"slug": self.slug})


class Publishable(Versioned):
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

    objects = PublishableQuerySet.as_manager()

    # Translated text fields that must be filled for a language to count as complete.
    required_translations = ()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.status == Status.PUBLISHED and not (self.reviewed_by_id and self.last_reviewed):
            raise ValidationError(
                _("Only content with a medical review can be published: give the reviewing clinician and the date.")
            )

    def save(self, *args, **kwargs):
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = one_year_after(self.last_reviewed)
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
        permissions = [("publish_procedurenote", _("Can publish, unpublish and record a medical review"))]
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
        # The newest published articles, without reading every row: home and topic pages ask for them.
        indexes = [models.Index(fields=["status", "publish_at"], name="article_status_publish_idx")]
        verbose_name = _("article")
        permissions = [("publish_article", _("Can publish, unpublish and record a medical review"))]
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
        permissions = [("publish_faq", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("FAQs")

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("education:faq_detail", kwargs={"pk": self.pk})

    def get_list_url(self):
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
        permissions = [("publish_page", _("Can publish, unpublish and record a medical review"))]
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:page", kwargs={"slug": self.slug})


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

    class Meta:
        verbose_name = _("clinic details")
        verbose_name_plural = _("clinic details")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()
