"""The demo content loads, is complete in both languages, and loading it again duplicates nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from education.models import FAQ, Article, Clinic, Clinician, ProcedureNote, Source, Topic

pytestmark = pytest.mark.django_db
MODELS = [Article, ProcedureNote, FAQ, Topic, Clinician, Source, Clinic]


def load_demo():
    """The demo content as load_demo loads it (the fixture holds text; approvals are recorded as it loads)."""
    call_command("load_demo", "--force", "--allow-without-debug", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_fixture_loads_twice_without_duplicates():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    assert first["Article"] >= 2 and first["ProcedureNote"] >= 1 and first["FAQ"] >= 6


def test_load_demo_is_idempotent_and_creates_accounts(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    first = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == first
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "editor", "reviewer"]
    assert all(u.check_password("demo") for u in users)
    assert users.get(username="admin").is_superuser
    assert users.get(username="editor").groups.get().name == "Editors"


def test_load_demo_refuses_with_debug_off_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG is off"):
        call_command("load_demo", verbosity=0)
    assert not Article.objects.exists() and not Clinician.objects.exists()
    call_command("load_demo", "--allow-without-debug", verbosity=0)
    assert not get_user_model().objects.exists()
    assert Article.objects.exists()


# --- A clinician's review of the demo content (issue 16) ------------------------------------------------------------
import functools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from education.models import Page  # noqa: E402

PATIENT_MODELS = (Article, ProcedureNote, FAQ, Page)


@functools.cache
def texts(language):
    """Every translated text of the demo content in `language`, one string per item and field, read from the file."""
    found = {}
    for entry in json.loads(open("fixtures/demo.json", encoding="utf-8").read()):
        model = entry["model"].split(".")[1]
        for name, value in entry["fields"].items():
            if name.endswith(f"_{language}") and isinstance(value, str) and not name.startswith("slug"):
                found[(model, entry["pk"], name.removesuffix(f"_{language}"))] = value
    return found


def all_text(language):
    return "\n".join(texts(language).values())


@pytest.mark.parametrize(
    "language, wrong",
    [
        # How it may work is a hypothesis, not a fact.
        ("en", "Nerve signals help to drive these glands"),
        ("en", "Botulinum toxin blocks these signals"),
        ("en", "Nerves send signals to these glands"),
        ("it", "I segnali dei nervi aiutano queste ghiandole"),
        ("it", "I nervi mandano segnali a queste ghiandole"),
        ("it", "Secondo gli studi, le ghiandole producono così meno sebo"),
        # "Never reaches the muscles", beside a listed side effect of weak nearby muscles.
        ("en", "does not go into the muscles"),
        ("en", "does not go into the face muscles"),
        ("it", "non va nei muscoli"),
        ("it", "non arriva ai muscoli"),
        # Overstated evidence, doses that are not interchangeable, softened pain.
        ("en", "help with spots"),
        ("it", "ridurre i brufoli"),
        ("en", "Other brands hold"),
        ("it", "leggero bruciore"),
        ("en", "It can harm an unborn baby"),
        ("it", "Può fare male al bambino"),
        # Italian that reads as a translation, or says the wrong thing.
        ("it", "Quasi nessuno"),
        ("it", "provate"),
        ("it", "trattamenti provati"),
        ("it", "chiudere i pori"),
        ("it", "chiudono un poro"),
        ("it", "chiudano i pori"),
        ("it", "pori chiusi"),
        ("it", "Di solito nessuna"),
        ("it", "fronte può sembrare pesante"),
        ("it", "Quello è un uso approvato"),
        ("it", "il medico della pelle"),
        ("it", "prodotti della farmacia"),
        ("it", "bozzi"),
        ("it", "se non te lo dice lui"),
        # The ambiguous emergency line.
        ("en", "Do not wait to contact the clinic first"),
        ("it", "Non aspettare di chiamare prima la clinica"),
    ],
)
def test_the_clinicians_corrections_are_in_the_demo(language, wrong):
    assert wrong not in all_text(language)


@pytest.mark.parametrize(
    "language, right",
    [
        ("en", "Researchers think"),
        ("it", "I ricercatori pensano"),
        ("en", "a little can reach nearby muscles"),
        ("it", "un po' può arrivare ai muscoli vicini"),
        ("en", "Other brands contain the same type of toxin"),
        ("it", "altre marche contengono lo stesso tipo di tossina"),
        ("en", "cannot simply be swapped"),
        ("en", "a sharp prick and a sting"),
        ("it", "una puntura netta e un bruciore"),
        ("en", "serious birth defects"),
        ("it", "gravi malformazioni"),
        ("en", "until one month after you stop"),
        ("it", "fino a un mese dopo la fine"),
        ("it", "di provata efficacia"),
        ("it", "ostruiscono"),
        ("en", "Do not call the clinic first"),
        ("it", "Non chiamare prima la clinica"),
    ],
)
def test_the_corrected_wording_is_there(language, right):
    assert right.casefold() in all_text(language).casefold()


def _shape(text):
    """What both languages must share: headings, list items, paragraphs and the numbers they give."""
    lines = text.splitlines()
    return (
        sum(line.startswith("#") for line in lines),
        sum(bool(re.match(r"\s*[-*] ", line)) for line in lines),
        len([block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]),
        sorted(set(re.findall(r"\d+", text))),
    )


def test_english_and_italian_have_the_same_structure_and_numbers():
    english, italian = texts("en"), texts("it")
    for key, text in english.items():
        if key[0] == "clinic" and key[2] in {"name", "address", "opening_hours"}:
            continue  # placeholders, written per language
        assert _shape(text) == _shape(italian[key]), key


@pytest.fixture(scope="class")
def demo_loaded_once(django_db_setup, django_db_blocker):
    """The demo content, loaded once for a class of tests. It stays in an open transaction while they run; each
    test's own changes are rolled back after it as usual (its atomic block is a savepoint inside that transaction),
    and the load itself is rolled back when the class is done, so no other test sees it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        loaded = transaction.atomic()
        loaded.__enter__()
        load_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        loaded.__exit__(None, None, None)


@pytest.mark.usefixtures("demo_loaded_once")
class TestTheDemoAsLoaded:
    """What the loaded demo content says and does. Loading takes seconds, so these tests share one load; loading
    itself (twice over, with accounts, refused on a live portal) is tested above with loads of its own."""

    def test_demo_items_are_complete_in_both_languages(self):
        for model in (Article, ProcedureNote, FAQ):
            for item in model.objects.all():
                assert item.missing_languages() == [], item
                assert item.is_public and item.reviewed_by and item.next_review_due

    def test_demo_content_corrects_the_seeds(self):
        text = " ".join(
            str(value).lower()
            for model in (Article, ProcedureNote, FAQ)
            for item in model.objects.all()
            for value in vars(item).values()
            if isinstance(value, str)
        )
        assert "no side effects" not in text
        assert "off-label" in text
        assert "112" in text
        assert "clostridium botulinum" in text  # named as the bacterium that makes the toxin

    def test_demo_content_is_signed_by_a_demo_clinician_who_cannot_sign_on_a_live_portal(self, settings):
        from education import services

        from .factories import make_staff

        settings.DEBUG = False
        for model in (Article, ProcedureNote, FAQ):
            for item in model.objects.published():  # signed as loaded, image included: nothing reads as changed since
                assert set(item.approved_languages()) == {"en", "it"}, item
        article = Article.objects.published().first()
        assert {a.language for a in article.approvals()} == {"en", "it"}
        assert all(a.clinician.demo for a in article.approvals())
        user = make_staff("signer", "Clinical reviewers")
        Clinician.objects.filter(demo=True).update(user=user)
        services.save_changes(item=article, user=user, values={"body_en": article.body_en + " More."})
        with pytest.raises(ValidationError, match="demo clinician"):
            services.approve(item=article, user=user, language="en", seen=article.digest("en"))

    def test_article_says_who_should_not_have_it_like_the_procedure_note(self):
        article = Article.objects.get(pk=1)
        expected = {"en": ["infection", "allergic reaction"], "it": ["infezione", "reazione allergica"]}
        for language, words in expected.items():
            body = getattr(article, f"body_{language}")
            for word in words:
                assert word in body, (language, word)

    def test_faq_on_emergencies_says_when_to_get_help_the_same_day(self):
        faq = FAQ.objects.get(pk=9)
        assert "same day" in faq.answer_en and "double vision" in faq.answer_en and "weakness far" in faq.answer_en
        assert "in giornata" in faq.answer_it and "vedi doppio" in faq.answer_it
        assert "debolezza lontano" in faq.answer_it

    def test_bumps_settle_within_about_an_hour_everywhere(self):
        for language, hours in {"en": "few hours", "it": "qualche ora"}.items():
            assert hours not in getattr(ProcedureNote.objects.get(), f"downtime_{language}")

    def test_how_long_it_lasts_is_given_only_where_a_review_that_supports_it_is_cited(self):
        for model in PATIENT_MODELS:
            for item in model.objects.all():
                for language, figure in {"en": "3 to 6 months", "it": "3-6 mesi"}.items():
                    key = (model._meta.model_name, item.pk)
                    mine = [text for where, text in texts(language).items() if where[:2] == key]
                    if figure in " ".join(mine):
                        assert item.sources.filter(url__contains="10.3390/toxins13110817").exists(), item

    def test_sources_are_dated_linked_and_include_a_review_and_an_italian_source(self):
        sources = list(Source.objects.all())
        for source in sources:
            assert source.year, source
            assert source.url.startswith("https://"), source
        assert any("review" in source.title.casefold() for source in sources)
        assert any("aifa" in source.publisher.casefold() for source in sources)  # Italian product information
        assert not any("fda" in s.publisher.casefold() or "nhs" in s.publisher.casefold() for s in sources)
        guideline = Source.objects.get(url__contains="j.jaad.2023.12.017")
        assert "not botulinum toxin" in guideline.title  # says what it supports
        assert not guideline.procedures.exists() and not guideline.articles.filter(pk=1).exists()

    def test_about_page_says_how_sources_are_chosen(self):
        page = Page.objects.get()
        assert "## How we choose our sources" in page.body_en and "AIFA" in page.body_en
        assert "## Come scegliamo le fonti" in page.body_it and "AIFA" in page.body_it

    def test_demo_passes_the_checks_without_acknowledgement(self):
        from education.quality import sentences

        for code, _name in settings.LANGUAGES:  # the README's "over 300 sentences in each language"
            patient = [
                text for key, text in texts(code).items() if key[0] in {"article", "procedurenote", "faq", "page"}
            ]
            assert sum(len(list(sentences(text))) for text in patient) > 300
        for model in PATIENT_MODELS:
            for item in model.objects.all():
                item.save()
                assert item.claims_acknowledged == [] and item.open_claims() == [], item
                for code, _name in settings.LANGUAGES:
                    readability = item.quality[code]["readability"]
                    assert readability["target_met"], (item, code, readability)
                    # Medical words the glossary lacks: tests/test_medical_words.py.
                    other = [w for w in readability["warnings"] if w[0] not in {"passive", "medical-word"}]
                    assert not other, (item, code)

    def test_treatment_page_shows_the_about_this_information_statement(self, client):
        procedure = ProcedureNote.objects.get()
        clinic = Clinic.objects.get()
        assert "No company paid for, sponsored" in clinic.about_information_en
        assert "Nessuna azienda ha pagato, sponsorizzato" in clinic.about_information_it
        expected = {"en": "We offer this treatment at our clinic", "it": "Offriamo questo trattamento"}
        for language, words in expected.items():
            with translation.override(language):
                url = procedure.get_absolute_url()
            page = client.get(url).text
            assert words in page, language
