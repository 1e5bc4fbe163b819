"""Image uploads: refuse unsafe files, re-encode without metadata, and write responsive renditions to storage.

Everything goes through the storage of the image's file field (Django's STORAGES), never a local path, so the
same code works with the file system and with an S3-compatible object store.
"""
import contextlib
import io
import logging
import posixpath
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
RENDITION_WIDTHS = (480, 960, 1600)
# Formats we accept, told apart by Pillow from the file's content. Phones write JPEGs that Pillow calls MPO.
OPENERS = ("JPEG", "PNG", "WEBP")
ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}

# Pillow's own bomb guard, tightened to our limit: Image.open() raises before any pixel is decoded.
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS

# What a failing store raises: a full or broken disk (OSError), or an object store's client errors.
try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # django-storages with boto3 is installed only for DJANGO_MEDIA_STORAGE=s3
    STORAGE_ERRORS = (OSError,)
else:
    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)

logger = logging.getLogger(__name__)

MESSAGES = {
    "empty": _("The file is empty. Choose the image again."),
    "too_big": _("The file is larger than 10 MB. Save it smaller (for example 2000 pixels wide) and upload it again."),
    "format": _("This is not a JPEG, PNG or WebP image. Other files, such as SVG or HTML, are refused."),
    "too_many_pixels": _(
        "The image has more than 40 million pixels (for example 8000 × 5000). Save it smaller and upload it again."
    ),
    "broken": _("The image is damaged or incomplete and cannot be read. Export it again and upload the new file."),
    "storage": _(
        "The image could not be stored: the media storage is full or not answering. Nothing was saved. Try again in "
        "a few minutes, and tell the administrator if it happens again."
    ),
}


def _read_upload(upload):
    """The upload's bytes, refusing empty and oversized files before reading more than the limit."""
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError(MESSAGES["empty"], code="empty")
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(MESSAGES["too_big"], code="too_big")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if not data:
        raise ValidationError(MESSAGES["empty"], code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(MESSAGES["too_big"], code="too_big")
    return data


def _open_header(data):
    """Open the image reading only its header; refuse unknown formats and too many pixels before decoding."""
    with warnings.catch_warnings():
        # Between MAX_PIXELS and twice that, Pillow only warns; we refuse those too.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data), formats=OPENERS)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise ValidationError(MESSAGES["too_many_pixels"], code="too_many_pixels") from None
        except PILImage.UnidentifiedImageError:
            raise ValidationError(MESSAGES["format"], code="format") from None
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(MESSAGES["broken"], code="broken") from None
    if image.format not in ACCEPTED:
        raise ValidationError(MESSAGES["format"], code="format")
    width, height = image.size
    # Pillow's guard depends on a global another library could loosen, so check again here.
    if width * height > MAX_PIXELS:
        raise ValidationError(MESSAGES["too_many_pixels"], code="too_many_pixels")
    if width < 1 or height < 1:
        raise ValidationError(MESSAGES["broken"], code="broken")
    return image


def decode(upload):
    """Check an upload and return (pixels, format): upright, decoded, with no metadata left. Raises ValidationError."""
    data = _read_upload(upload)
    image = _open_header(data)
    source_format = ACCEPTED[image.format]
    try:
        image.load()
        # Turn the pixels upright as the camera meant, since the EXIF that says so is about to be dropped.
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, PILImage.DecompressionBombError):
        raise ValidationError(MESSAGES["broken"], code="broken") from None
    if image.mode.startswith("I"):
        # 16-bit greyscale: scale to 8 bits, since a plain conversion would clip most values to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    # A fresh image carries pixels only: no EXIF, GPS, XMP, comments or text chunks.
    clean = PILImage.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean, source_format


def validate_upload(value):
    """Model field validator: refuse a new upload that is not a safe JPEG, PNG or WebP. Stored files pass."""
    if not value or getattr(value, "_committed", True):
        return
    decode(value.file)


def encode(image, image_format):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def fallback_format(image):
    """JPEG for photos; PNG when the image has transparency, which JPEG would lose."""
    return "PNG" if image.mode == "RGBA" else "JPEG"


def rendition_widths(original_width):
    """The widths to make, never wider than the original."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS})


def original_name(image_format):
    """A new, unguessable storage name that keeps nothing of the uploaded file's name."""
    return f"images/{uuid.uuid4().hex}/original.{EXTENSIONS[image_format]}"


def write_renditions(image, original_file_name, storage):
    """Resize `image` to each width in WebP and a fallback format, save them to `storage`, and describe them.

    Names carry a fresh token, so a rebuild never overwrites files that a page in a cache may still show.
    """
    folder = posixpath.dirname(original_file_name)
    token = uuid.uuid4().hex[:8]
    renditions = []
    try:
        for width in rendition_widths(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else image.resize((width, height), PILImage.Resampling.LANCZOS)
            for image_format in ("WEBP", fallback_format(image)):
                name = f"{folder}/{token}-{width}w.{EXTENSIONS[image_format]}"
                saved = storage.save(name, ContentFile(encode(resized, image_format)))
                renditions.append({"width": width, "height": height, "format": image_format, "name": saved})
    except BaseException:
        # Including the file being written when it failed: a full disk leaves a partial one behind.
        delete_quietly(storage, [*(r["name"] for r in renditions), name])
        raise
    return renditions


def store(storage, image, image_format):
    """Store a cleaned upload and its renditions under a new name: (name, renditions). When the storage fails, the
    files already written are removed and the editor gets a ValidationError saying so."""
    name = original_name(image_format)
    try:
        saved = storage.save(name, ContentFile(encode(image, image_format)))
    except STORAGE_ERRORS as error:
        delete_quietly(storage, [name])
        raise storage_failed(error) from error
    try:
        return saved, write_renditions(image, saved, storage)
    except STORAGE_ERRORS as error:
        delete_quietly(storage, [saved])
        raise storage_failed(error) from error


def storage_failed(error):
    logger.error("Storing an uploaded image failed: %s", error, exc_info=error)
    return ValidationError(MESSAGES["storage"], code="storage")


def delete_quietly(storage, names):
    """Remove what a failed write left; a storage that is down may refuse this too, which must not hide the cause."""
    for name in names:
        with contextlib.suppress(*STORAGE_ERRORS):
            storage.delete(name)


def delete_files_after_commit(names, storage):
    """Delete stored files once the transaction that stopped using them has committed (never on rollback)."""
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
