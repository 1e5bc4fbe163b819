"""Draw the demo illustrations with Pillow and attach them to the demo articles and procedure note.

The drawings are made here, so the demo needs no downloaded or licensed pictures. Running it again changes
nothing: an item that already has an image keeps it.
"""
import io
import math
import random

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from education.models import Article, ProcedureNote
from images.models import Image

SIZE = (1600, 900)
SKY = (236, 244, 247)
EPIDERMIS = (244, 205, 186)
DERMIS = (236, 176, 166)
FAT = (251, 234, 200)
FAT_CELL = (246, 219, 172)
GLAND = (232, 190, 110)
HAIR = (120, 92, 80)
TEAL = (11, 92, 115)
CREDIT = {
    "en": "Illustration drawn for this demo; free to reuse (CC0).",
    "it": "Illustrazione disegnata per questa demo; riutilizzo libero (CC0).",
}


def _wave(width, base, amplitude, phase, period=420):
    return [(x, base + amplitude * math.sin(x / period * 2 * math.pi + phase)) for x in range(0, width + 20, 20)]


def _skin_layers(draw, width, height):
    """Three soft bands: the outer layer, the layer below it and the fat at the bottom."""
    top = _wave(width, 250, 14, 0.3)
    middle = _wave(width, 330, 10, 1.1)
    bottom = _wave(width, 660, 18, 2.0, period=520)
    draw.polygon([*top, (width, height), (0, height)], fill=EPIDERMIS)
    draw.polygon([*middle, (width, height), (0, height)], fill=DERMIS)
    draw.polygon([*bottom, (width, height), (0, height)], fill=FAT)
    rng = random.Random(7)
    for _ in range(60):
        x, y, r = rng.randint(0, width), rng.randint(700, height + 40), rng.randint(28, 55)
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=FAT_CELL, outline=(238, 206, 160), width=3)


def _follicle(draw, x, gland_scale=1.0):
    """A hair root reaching down from the surface, with an oil gland beside it."""
    draw.line([(x, 150), (x + 8, 250), (x + 14, 520)], fill=HAIR, width=7, joint="curve")
    draw.ellipse((x - 10, 500, x + 38, 560), fill=(214, 150, 140))
    r = 34 * gland_scale
    for dx, dy in ((34, 380), (56, 410), (40, 440), (64, 446)):
        cx = x + dx * gland_scale
        draw.ellipse((cx - r / 2, dy - r / 2, cx + r / 2, dy + r / 2), fill=GLAND)


def _canvas():
    image = PILImage.new("RGB", SIZE, SKY)
    return image, ImageDraw.Draw(image)


def skin_layers():
    image, draw = _canvas()
    _skin_layers(draw, *SIZE)
    for x in (260, 760, 1260):
        _follicle(draw, x)
    return image.filter(ImageFilter.GaussianBlur(1.2))


def oil_gland():
    image, draw = _canvas()
    _skin_layers(draw, *SIZE)
    _follicle(draw, 700, gland_scale=2.2)
    # Drops of oil on their way up to the surface.
    for i, (x, y) in enumerate(((800, 335), (775, 295), (752, 258), (732, 225))):
        r = 18 - i * 3
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(240, 200, 120), outline=(214, 168, 90), width=2)
    return image.filter(ImageFilter.GaussianBlur(1.2))


def micro_injection_points():
    image, draw = _canvas()
    _skin_layers(draw, *SIZE)
    for x in (330, 1130):
        _follicle(draw, x)
    # Evenly spaced dots just below the surface: where the tiny, shallow injections go.
    for x in range(140, SIZE[0] - 100, 110):
        draw.ellipse((x - 11, 300, x + 11, 322), fill=TEAL)
        draw.ellipse((x - 24, 287, x + 24, 335), outline=(120, 170, 185), width=2)
    return image.filter(ImageFilter.GaussianBlur(1.0))


DEMO_IMAGES = [
    (
        Article,
        1,
        skin_layers,
        {
            "en": "Drawing of the layers of the skin: a thin outer layer, a thicker layer below it with hair roots "
            "and oil glands, and a layer of fat at the bottom.",
            "it": "Disegno degli strati della pelle: uno strato esterno sottile, sotto uno strato più spesso con le "
            "radici dei peli e le ghiandole del sebo, e in fondo uno strato di grasso.",
        },
    ),
    (
        Article,
        2,
        oil_gland,
        {
            "en": "Drawing of an oil gland next to a hair root, with drops of oil (sebum) rising to the skin surface.",
            "it": "Disegno di una ghiandola del sebo accanto alla radice di un pelo, con gocce di sebo che salgono "
            "verso la superficie della pelle.",
        },
    ),
    (
        ProcedureNote,
        1,
        micro_injection_points,
        {
            "en": "Drawing of the skin layers with a row of small dots just under the surface, where the tiny "
            "injections go.",
            "it": "Disegno degli strati della pelle con una fila di piccoli punti appena sotto la superficie, dove "
            "vanno le iniezioni piccolissime.",
        },
    ),
]


def jpeg_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Draw the demo illustrations and attach them, with alt text in English and Italian, to the demo "
        "articles 1 and 2 and procedure note 1. Items that already have an image are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be attached; change nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        created = 0
        for model, pk, draw, alt in DEMO_IMAGES:
            item = model.objects.filter(pk=pk).first()
            if item is None or item.image_id:
                if verbosity >= 2:
                    self.stdout.write(f"{model._meta.verbose_name} {pk}: missing or already illustrated; skipped.")
                continue
            if not dry_run:
                image = Image(
                    alt_en=alt["en"], alt_it=alt["it"], credit_en=CREDIT["en"], credit_it=CREDIT["it"]
                )
                image.file = ContentFile(jpeg_bytes(draw()), name="demo.jpg")
                image.full_clean()
                image.save()
                item.image = image
                item.save(update_fields=["image"])
            created += 1
            if verbosity >= 2:
                self.stdout.write(f"{model._meta.verbose_name} {pk}: illustrated.")
        if verbosity:
            verb = "Would attach" if dry_run else "Attached"
            self.stdout.write(f"{verb} {created} demo image(s).")
