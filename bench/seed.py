"""Fill an empty, migrated database with a clinic-sized library for the benchmark, and print the pages to measure.

Run by bench/run.py with DJANGO_SETTINGS_MODULE and DATABASE_URL set. Texts are generated, not meaningful, but
shaped like the real thing: Markdown bodies of about 6 KB with headings, lists and paragraphs, in both languages,
each one different so that no cache can share work between items.
"""
import datetime
import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from education.cache import bump_content_version  # noqa: E402
from education.models import (  # noqa: E402
    FAQ,
    Approval,
    Article,
    Clinic,
    Clinician,
    Page,
    ProcedureNote,
    Source,
    Status,
    Topic,
)
from education.text import rendered_markdown  # noqa: E402
from search import engine as search  # noqa: E402

SIZES = {
    # 500 treatments, so the benchmark rotates through as many treatment pages as it asks for (bench/run.py).
    "default": {"articles": 1_000, "procedures": 500, "faqs": 500},
    "large": {"articles": 10_000, "procedures": 500, "faqs": 500},
    "tiny": {"articles": 30, "procedures": 5, "faqs": 24},  # for the test of this script
}
BODY_BYTES = 6_000
# A word of both languages' vocabularies below, so the measured search has results on every page.
SEARCH_WORD = "acne"
TOPICS = 12
BATCH = 500

WORDS = {
    "en": (
        "skin treatment acne laser peel scar redness sun cream doctor clinic session week day gentle mild "
        "swelling heal patient appointment result protect daily water face area light test care advice "
        "before after during numbing cold tingle pigment wrinkle filler dose safe risk rare common usually"
    ).split(),
    "it": (
        "pelle trattamento acne laser peeling cicatrice rossore sole crema medico clinica seduta settimana giorno "
        "delicato lieve gonfiore guarire paziente appuntamento risultato proteggere ogni viso zona luce prova cura "
        "consiglio prima dopo durante anestesia freddo formicolio macchia ruga filler dose sicuro rischio raro"
    ).split(),
}


def sentence(rng, language, words=(8, 18)):
    picked = rng.choices(WORDS[language], k=rng.randint(*words))
    return " ".join(picked).capitalize() + "."


def paragraph(rng, language, sentences=(3, 6)):
    return " ".join(sentence(rng, language) for _ in range(rng.randint(*sentences)))


def markdown_text(rng, language, size):
    """Paragraphs, `##` headings and short lists until the text is about `size` characters."""
    parts = []
    while sum(len(part) for part in parts) < size:
        roll = rng.random()
        if roll < 0.15:
            parts.append("## " + sentence(rng, language, (2, 5)).rstrip("."))
        elif roll < 0.3:
            parts.append("\n".join("- " + sentence(rng, language, (4, 10)) for _ in range(rng.randint(3, 6))))
        else:
            parts.append(paragraph(rng, language))
    return "\n\n".join(parts)


def both(rng, field, make):
    return {f"{field}_en": make(rng, "en"), f"{field}_it": make(rng, "it")}


def published(rng, clinicians, now):
    # A published row must carry an approval per live language (a database constraint); one stand-in approval per
    # language serves the whole generated library, which no clinician reads.
    clinician, day = rng.choice(clinicians), (now - datetime.timedelta(days=rng.randint(1, 300))).date()
    approvals = {code: clinician.bench_approvals[code] for code, _name in settings.LANGUAGES}
    return {
        "status": Status.PUBLISHED,
        "publish_at": now - datetime.timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440)),
        **{f"reviewed_by_{code}": clinician for code in approvals},
        **{f"last_reviewed_{code}": day for code in approvals},
        **{f"approval_{code}": approval for code, approval in approvals.items()},
        "next_review_due": (now + datetime.timedelta(days=rng.randint(30, 300))).date(),
    }


def with_html(items):
    """bulk_create skips save(): store each item's Markdown as HTML here, as save() would (Publishable.rendered)."""
    for item in items:
        item.rendered = rendered_markdown(item, item.markdown_fields)
        yield item


def build(size):
    rng = random.Random(8)
    now = timezone.now()
    counts = SIZES[size]
    Clinic.objects.create(
        name_en="Bench Skin Clinic", name_it="Clinica Dermatologica Bench", phone="+39 02 0000 0000",
        email="info@clinic.invalid", address="Via Roma 1\n20100 Milano", opening_hours_en="Mon–Fri 9–18",
        opening_hours_it="Lun–Ven 9–18", emergency_en="Call 112.", emergency_it="Chiama il 112.",
    )
    clinicians = Clinician.objects.bulk_create(
        Clinician(name=f"Dr Bench {n}", role_en="Dermatologist", role_it="Dermatologa") for n in range(5)
    )
    for clinician in clinicians:
        clinician.bench_approvals = {
            code: Approval.objects.create(kind="bench", object_id=clinician.pk, language=code, number=1,
                                          digest="bench", clinician=clinician, approved_on=now.date())
            for code, _name in settings.LANGUAGES
        }
    sources = Source.objects.bulk_create(
        Source(title=sentence(rng, "en", (4, 8)), publisher="Bench Society", year=2020 + n % 6,
               url=f"https://example.org/source/{n}")
        for n in range(60)
    )
    topics = Topic.objects.bulk_create(
        Topic(
            order=n, slug_en=f"topic-{n}", slug_it=f"argomento-{n}",
            **both(rng, "name", lambda r, lang: sentence(r, lang, (1, 3)).rstrip(".")),
            **both(rng, "description", lambda r, lang: sentence(r, lang)),
        )
        for n in range(TOPICS)
    )
    section = lambda r, lang: markdown_text(r, lang, 600)  # noqa: E731
    procedures = ProcedureNote.objects.bulk_create(
        with_html(
            ProcedureNote(
                slug_en=f"procedure-{n}", slug_it=f"trattamento-{n}", duration_en="30 minutes", duration_it="30 minuti",
                **both(rng, "title", lambda r, lang: sentence(r, lang, (2, 4)).rstrip(".")),
                **both(rng, "summary", lambda r, lang: paragraph(r, lang, (2, 3))),
                **{k: v for name in ProcedureNote.SECTIONS for k, v in both(rng, name, section).items()},
                **published(rng, clinicians, now),
            )
            for n in range(counts["procedures"])
        ),
        batch_size=BATCH,
    )
    articles = []
    for start in range(0, counts["articles"], BATCH):
        articles += Article.objects.bulk_create(with_html(
            Article(
                slug_en=f"article-{n}", slug_it=f"articolo-{n}",
                **both(rng, "title", lambda r, lang: sentence(r, lang, (3, 7)).rstrip(".")),
                **both(rng, "summary", lambda r, lang: paragraph(r, lang, (2, 3))),
                **both(rng, "body", lambda r, lang: markdown_text(r, lang, BODY_BYTES)),
                **published(rng, clinicians, now),
            )
            for n in range(start, min(start + BATCH, counts["articles"]))
        ))
    FAQ.objects.bulk_create(
        with_html(
            FAQ(
                topic=topics[n % TOPICS], order=n, article=articles[n * 7 % len(articles)] if n % 2 else None,
                procedure=procedures[n % len(procedures)] if n % 3 == 0 else None,
                **both(rng, "question", lambda r, lang: sentence(r, lang).rstrip(".") + "?"),
                **both(rng, "answer", lambda r, lang: paragraph(r, lang, (2, 5))),
                **published(rng, clinicians, now),
            )
            for n in range(counts["faqs"])
        ),
        batch_size=BATCH,
    )
    Page.objects.create(
        slug_en="how-we-write", slug_it="come-scriviamo", title_en="How we write", title_it="Come scriviamo",
        **both(rng, "body", lambda r, lang: markdown_text(r, lang, 3000)), **published(rng, clinicians, now),
    )
    link_many(Article.topics.through, "article", articles, "topic", topics, rng, (1, 2))
    link_many(Article.sources.through, "article", articles, "source", sources, rng, (1, 4))
    link_many(Article.procedures.through, "article", articles, "procedurenote", procedures, rng, (0, 2))
    link_many(ProcedureNote.topics.through, "procedurenote", procedures, "topic", topics, rng, (1, 2))
    link_many(ProcedureNote.sources.through, "procedurenote", procedures, "source", sources, rng, (1, 3))
    return articles, procedures, topics


def link_many(through, left, lefts, right, rights, rng, how_many):
    rows = [
        through(**{f"{left}_id": item.pk, f"{right}_id": other.pk})
        for item in lefts
        for other in rng.sample(rights, rng.randint(*how_many))
    ]
    through.objects.bulk_create(rows, batch_size=2_000)


def search_url(language, query=SEARCH_WORD):
    query = urlencode({"q": query})
    try:
        return reverse("education:search") + f"?{query}"
    except NoReverseMatch:
        return f"/{language}/search/?{query}"  # not built yet: the benchmark reports it as n/a


def pages_to_measure(articles, procedures, topics):
    """One address per page type and language; a mid-library item, so nothing is first or last in an index."""
    article = articles[len(articles) // 2]
    procedure = procedures[len(procedures) // 2]
    topic = article.topics.first()
    pages = {}
    for language in ("en", "it"):
        with translation.override(language):
            pages[language] = {
                "home": f"/{language}/",
                "topic": topic.get_absolute_url(),
                "article": article.get_absolute_url(),
                "procedure": procedure.get_absolute_url(),
                # The questions page patients open from the menu (its first page of answers), not one question alone.
                "faq": reverse("education:faq"),
                "search": search_url(language),
            }
    return pages


# The benchmark rotates through this many different addresses of each page type and language, where there are so
# many (there is one home page, and topic and question lists have a few dozen pages in all).
ADDRESSES = 1_000


def addresses_to_measure():
    """Many different addresses of each page type per language, as patients spread over the library."""
    from education.views import FAQS_PER_PAGE, ITEMS_PER_PAGE

    rng = random.Random(15)
    articles = list(Article.objects.published().order_by("pk")[:ADDRESSES])
    procedures = list(ProcedureNote.objects.published().order_by("pk")[:ADDRESSES])
    topics = list(Topic.objects.order_by("pk"))
    faq_pages = -(-FAQ.objects.published().count() // FAQS_PER_PAGE)
    addresses = {}
    for language in ("en", "it"):
        with translation.override(language):
            topic_pages = [
                f"{topic.get_absolute_url()}?page={n}"
                for topic in topics
                for n in range(1, -(-Article.objects.published().filter(topics=topic).count() // ITEMS_PER_PAGE) + 1)
            ]
            faq_url = reverse("education:faq")
            words = WORDS[language]
            queries = sorted({f"{a} {b}" for a in words for b in words if a != b})
            addresses[language] = {
                "home": [f"/{language}/"],
                "topic": topic_pages,
                "article": [article.get_absolute_url() for article in articles],
                "procedure": [procedure.get_absolute_url() for procedure in procedures],
                "faq": [f"{faq_url}?page={n}" for n in range(1, faq_pages + 1)]
                + [f"{faq_url}?topic={topic.slug}" for topic in topics],
                "search": [search_url(language, query) for query in rng.sample(queries, min(ADDRESSES, len(queries)))],
            }
    return addresses


def save_an_article(rng):
    """What an editor does: change one article's title and save it through the model, as the admin would."""
    article = Article.objects.published().order_by("pk")[rng.randrange(Article.objects.published().count())]
    article.title_en = article.title_en.rstrip(" *") + " *" * rng.randint(1, 3)
    article.save()
    return article.get_absolute_url()


def prepare(size):
    """Build the library of `size` in an empty database, ready to measure; return the pages to measure."""
    if Article.objects.exists():
        raise SystemExit("The benchmark database already holds articles; it must start empty.")
    pages = pages_to_measure(*build(size))
    # bulk_create sends no signals, so the search index is built here; without it every search would measure the
    # cheap "nothing matched" page.
    search.rebuild_index()
    for language in ("en", "it"):
        if not search.search(SEARCH_WORD, language).count:
            raise SystemExit(f"The benchmark search finds nothing in {language}: the library or its index is broken.")
    # Planner statistics, as PostgreSQL's autovacuum would gather them in time: without them SQLite looked up each
    # Italian address by reading every published article.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # A shared cache (DJANGO_CACHE_URL) may still hold pages of an earlier run.
    bump_content_version()
    return pages


if __name__ == "__main__":
    if sys.argv[1:] == ["--saver"]:
        # For bench/run.py's "just after a save" round: one save per line read, the saved address printed back.
        saver = random.Random(22)
        for _line in sys.stdin:
            print(save_an_article(saver), flush=True)
    else:
        pages = prepare(os.environ.get("BENCH_SIZE", "default"))
        print(json.dumps({"pages": pages, "addresses": addresses_to_measure()}))
