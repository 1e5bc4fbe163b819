"""Pictures for patient pages: the model, its upload checks (processing.py) and its renditions. Knows nothing of
the content that shows the pictures."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import processing


class ImageFormat(models.TextChoices):
    JPEG = "JPEG", "JPEG"
    PNG = "PNG", "PNG"
    WEBP = "WEBP", "WebP"


class ImageQuerySet(models.QuerySet):
    def delete(self):
        # A bulk delete (the admin's "delete selected") skips Image.delete(), so the files are collected here too.
        doomed = [(image.file.storage, image.stored_names()) for image in self]
        result = super().delete()
        for storage, names in doomed:
            processing.delete_files_after_commit(names, storage)
        return result


def image_upload_to(instance, filename):
    # The uploaded file name is ignored on purpose: it can carry a patient's name or a path.
    return processing.original_name(instance.format)


class Image(models.Model):
    """A picture for patient pages: the re-encoded original, its responsive renditions and its alt text."""

    file = models.FileField(
        _("image file"),
        upload_to=image_upload_to,
        max_length=200,
        validators=[processing.validate_upload],
        help_text=_(
            "A JPEG, PNG or WebP file, at most 10 MB and 40 million pixels. "
            "Location, camera and other hidden details are removed."
        ),
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    format = models.CharField(_("format"), max_length=4, choices=ImageFormat.choices, editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, in one short sentence, for people who cannot see it."),
    )
    decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("Tick only when the image adds nothing to the text. Screen readers then skip it."),
    )
    credit = models.CharField(
        _("credit and licence"),
        max_length=250,
        blank=True,
        help_text=_("Who made the image and under which licence, e.g. “Photo: A. Rossi, CC BY 4.0”."),
    )
    # [{"width": 480, "height": 270, "format": "WEBP", "name": "images/…/…-480w.webp"}, …], made on save.
    renditions = models.JSONField(_("renditions"), default=list, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        db_table = "education_image"  # the table from before images were their own app: no data moved
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        if self.alt:
            return self.alt
        label = _("Decorative image %(number)s") if self.decorative else _("Image %(number)s")
        return label % {"number": self.pk}

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.store_upload()
        written, replaced = getattr(self, "_unsaved_upload", None) or ([], [])
        try:
            super().save(*args, **kwargs)
        except BaseException:
            # Leave nothing behind from an upload whose row was not saved.
            processing.delete_quietly(self.file.storage, written)
            raise
        self._unsaved_upload = None
        processing.delete_files_after_commit(replaced, self.file.storage)

    def store_upload(self):
        """Decode the newly chosen file, then store it cleaned with its renditions. The admin form calls this while
        it validates, so a full disk or a failing media store is a form error (ValidationError) with nothing left
        in storage; save() calls it for uploads made in code."""
        pixels, self.format = processing.decode(self.file.file)
        self.width, self.height = pixels.size
        previous = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        name, self.renditions = processing.store(self.file.storage, pixels, self.format)
        self.file = name
        self._unsaved_upload = (self.stored_names(), previous.stored_names() if previous else [])

    def delete(self, *args, **kwargs):
        storage, names = self.file.storage, self.stored_names()
        result = super().delete(*args, **kwargs)
        processing.delete_files_after_commit(names, storage)
        return result

    def clean(self):
        if self.decorative:
            return
        missing = {
            f"alt_{code}": _("Write the alternative text in this language, or tick “decorative”.")
            for code, _name in settings.LANGUAGES
            if not (getattr(self, f"alt_{code}", "") or "").strip()
        }
        if missing:
            raise ValidationError(missing)

    def stored_names(self):
        return [name for name in [self.file.name, *(r["name"] for r in self.renditions)] if name]

    def rebuild_renditions(self):
        """Make the renditions again from the stored original; the old files go once the transaction commits."""
        storage, old = self.file.storage, [r["name"] for r in self.renditions]
        with self.file.open("rb"):
            pixels, _format = processing.decode(self.file)
        self.width, self.height = pixels.size
        self.renditions = processing.write_renditions(pixels, self.file.name, storage)
        self.save(update_fields=["width", "height", "renditions", "updated_at"])
        processing.delete_files_after_commit(old, storage)

    @property
    def alt_text(self):
        """What goes in the alt attribute: empty for a decorative image, so screen readers skip it."""
        return "" if self.decorative else self.alt

    def _urls(self, image_format):
        storage = self.file.storage
        return [(storage.url(r["name"]), r["width"]) for r in self.renditions if r["format"] == image_format]

    @property
    def fallback_format(self):
        formats = {r["format"] for r in self.renditions} - {ImageFormat.WEBP}
        return next(iter(formats), ImageFormat.JPEG)

    @property
    def webp_srcset(self):
        return ", ".join(f"{url} {width}w" for url, width in self._urls(ImageFormat.WEBP))

    @property
    def fallback_srcset(self):
        return ", ".join(f"{url} {width}w" for url, width in self._urls(self.fallback_format))

    @property
    def fallback_mime_type(self):
        return processing.MIME_TYPES[self.fallback_format]

    @property
    def src(self):
        """The smallest fallback, for browsers without srcset: phones first."""
        urls = self._urls(self.fallback_format)
        return urls[0][0] if urls else ""

    @property
    def thumbnail_url(self):
        urls = self._urls(ImageFormat.WEBP)
        return urls[0][0] if urls else ""
