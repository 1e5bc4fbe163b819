"""Small helpers that make content for a test, with overrides for what the test is about."""
import datetime
import io
import itertools

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from education import services
from education.models import (
    FAQ,
    Article,
    Clinic,
    Clinician,
    Pack,
    PackItem,
    Page,
    ProcedureNote,
    Source,
    Status,
    TimelineEntry,
    Topic,
)
from images.models import Image

_numbers = itertools.count(1)


def _next():
    return next(_numbers)


def make_clinician(**overrides):
    fields = {"name": "Test dermatologist", "role_en": "Dermatologist", "role_it": "Dermatologo"}
    return Clinician.objects.create(**(fields | overrides))


def make_source(**overrides):
    n = _next()
    fields = {"title": f"Source {n}", "publisher": "Test Society", "year": 2024, "url": f"https://example.org/{n}"}
    return Source.objects.create(**(fields | overrides))


def make_topic(**overrides):
    n = _next()
    fields = {
        "name_en": f"Topic {n}", "name_it": f"Argomento {n}", "slug_en": f"topic-{n}", "slug_it": f"argomento-{n}"
    }
    return Topic.objects.create(**(fields | overrides))


def _published(overrides):
    defaults = {"status": Status.PUBLISHED, "publish_at": timezone.now() - datetime.timedelta(days=1)}
    return defaults


def _create(model, fields, links=None):
    """Create the item as a draft, link it, then (unless another status is asked for) sign each complete language
    as the given clinician (a new one by default) on `last_reviewed` and publish it, as the workflow would."""
    status = fields.pop("status")
    clinician = fields.pop("reviewed_by", None) if "reviewed_by" in fields else make_clinician()
    day = fields.pop("last_reviewed", datetime.date(2026, 1, 10))
    item = model.objects.create(**fields)
    for name, values in (links or {}).items():
        getattr(item, name).set(values)
    if status == Status.PUBLISHED:
        sign_live(item, clinician, day)
    elif status != Status.DRAFT:
        item.status = status
        item.save()
    return item


def sign_live(item, clinician, day=datetime.date(2026, 1, 10), languages=None):
    """Record approvals of the item's current text in each complete language (or `languages`) and publish it."""
    return services.record_existing_review(item=item, clinician=clinician, day=day, languages=languages)


def make_article(topics=(), **overrides):
    n = _next()
    fields = _published(overrides) | {
        "title_en": f"Article {n}",
        "title_it": f"Articolo {n}",
        "slug_en": f"article-{n}",
        "slug_it": f"articolo-{n}",
        "summary_en": f"Summary {n}.",
        "summary_it": f"Riassunto {n}.",
        "body_en": f"Body of article {n}.",
        "body_it": f"Testo dell'articolo {n}.",
    }
    return _create(Article, fields | overrides, {"topics": topics})


def make_procedure(topics=(), **overrides):
    n = _next()
    fields = _published(overrides) | {
        "title_en": f"Procedure {n}",
        "title_it": f"Trattamento {n}",
        "slug_en": f"procedure-{n}",
        "slug_it": f"trattamento-{n}",
        "summary_en": f"Procedure summary {n}.",
        "summary_it": f"Riassunto del trattamento {n}.",
        "what_it_is_en": "What it is.",
        "what_it_is_it": "Che cos'è.",
        "risks_en": "Risks.",
        "risks_it": "Rischi.",
        "when_to_contact_en": "Call us.",
        "when_to_contact_it": "Chiamaci.",
    }
    return _create(ProcedureNote, fields | overrides, {"topics": topics})


def make_faq(topic=None, **overrides):
    n = _next()
    fields = _published(overrides) | {
        "question_en": f"Question {n}?",
        "question_it": f"Domanda {n}?",
        "answer_en": f"Answer {n}.",
        "answer_it": f"Risposta {n}.",
        "topic": topic or make_topic(),
        "order": n,
    }
    return _create(FAQ, fields | overrides)


def make_page(**overrides):
    n = _next()
    fields = _published(overrides) | {
        "title_en": f"Page {n}",
        "title_it": f"Pagina {n}",
        "slug_en": f"page-{n}",
        "slug_it": f"pagina-{n}",
        "body_en": f"Page body {n}.",
        "body_it": f"Testo della pagina {n}.",
    }
    return _create(Page, fields | overrides)


def make_pack(items=(), timeline=(), **overrides):
    """A pack of `items` (articles, procedure notes, FAQs, in order) and `timeline` entries (offset, label_en,
    instruction_en, label_it, instruction_it), signed and published like any item unless a status is given."""
    n = _next()
    fields = _published(overrides) | {
        "title_en": f"Pack {n}",
        "title_it": f"Pacchetto {n}",
        "slug_en": f"pack-{n}",
        "slug_it": f"pacchetto-{n}",
        "summary_en": f"Pack summary {n}.",
        "summary_it": f"Riassunto del pacchetto {n}.",
    } | overrides
    status = fields.pop("status")
    pack = _create(Pack, fields | {"status": Status.DRAFT})
    kinds = {Article: "article", ProcedureNote: "procedure", FAQ: "faq"}
    for position, item in enumerate(items):
        PackItem.objects.create(pack=pack, position=position, **{kinds[type(item)]: item})
    for offset, label_en, instruction_en, label_it, instruction_it in timeline:
        TimelineEntry.objects.create(
            pack=pack, offset_days=offset, label_en=label_en, instruction_en=instruction_en, label_it=label_it,
            instruction_it=instruction_it,
        )
    if status == Status.PUBLISHED:
        sign_live(pack, make_clinician())
    elif status != Status.DRAFT:
        pack.status = status
        pack.save()
    pack.refresh_from_db()
    return pack


def make_clinic(**overrides):
    fields = {
        "name_en": "Test Clinic",
        "name_it": "Clinica di prova",
        "phone": "+39 02 1234 5678",
        "email": "info@clinic.invalid",
        "emergency_en": "Call 112.",
        "emergency_it": "Chiama il 112.",
    }
    return Clinic.objects.create(**(fields | overrides))


def make_staff(username, role=None, email=None, **overrides):
    """A staff account in one of the roles ("Editors", "Clinical reviewers", "Administrators")."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, email or f"{username}@clinic.invalid", "pw", is_staff=True, **overrides
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def image_bytes(width=1200, height=800, image_format="JPEG", mode="RGB", color=(40, 120, 160), **save_options):
    """A picture drawn by Pillow: a plain colour (with a lighter square in colour modes)."""
    picture = PILImage.new(mode, (width, height), color)
    if mode in ("RGB", "RGBA"):
        picture.paste((230, 240, 245, 255)[: len(mode)], (width // 4, height // 4, width // 2, height // 2))
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **save_options)
    return buffer.getvalue()


def make_image(width=1200, height=800, image_format="JPEG", **overrides):
    """A saved Image with its renditions in storage (tests point MEDIA_ROOT at a temporary folder)."""
    fields = {"alt_en": "A blue test picture", "alt_it": "Un'immagine di prova blu"}
    image = Image(**(fields | overrides))
    image.file = ContentFile(image_bytes(width, height, image_format), name="upload.jpg")
    image.save()
    return image
