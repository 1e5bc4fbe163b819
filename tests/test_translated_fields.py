"""Translated fields read through education.translation.RememberingDescriptor give what modeltranslation's own
descriptor gives, in every language and fallback state, and work out each language's order once."""
import itertools

import pytest
from django.conf import settings
from django.utils import translation
from modeltranslation.fields import TranslationFieldDescriptor
from modeltranslation.translator import translator
from modeltranslation.utils import fallbacks

from education import translation as education_translation
from education.models import FAQ, Article, Clinician, ProcedureNote

CODES = [code for code, _name in settings.LANGUAGES]
# Each language, a regional variant and a language the site does not have (both map to one it has).
ACTIVE = [*CODES, f"{CODES[-1]}-xx", "zz"]


def library_value(obj, name):
    """What modeltranslation's own descriptor reads."""
    return TranslationFieldDescriptor.__get__(type(obj).__dict__[name], obj, type(obj))


def test_every_translated_field_remembers():
    for model in translator.get_registered_models(abstract=False):
        for name in translator.get_options_for_model(model).fields:
            assert isinstance(model.__dict__[name], education_translation.RememberingDescriptor), (model, name)


@pytest.mark.parametrize("values", list(itertools.product(["Text", "", None], repeat=len(CODES))))
def test_text_reads_as_the_library_reads_it(values):
    per_language = list(zip(CODES, values, strict=True))
    article = Article(**{f"title_{code}": value for code, value in per_language})
    # A field with its own empty value (slugs: NULL, not "").
    article.__dict__.update({f"slug_{code}": value and f"slug-{code}" for code, value in per_language})
    for active, enabled in itertools.product(ACTIVE, (True, False)):
        with translation.override(active), fallbacks(enabled):
            assert article.title == library_value(article, "title"), (active, enabled, values)
            assert article.slug == library_value(article, "slug"), (active, enabled, values)


@pytest.mark.django_db
def test_related_and_numeric_fields_read_as_the_library_reads_them():
    reviewer = Clinician.objects.create(name="Dr. Rossi")
    faq = FAQ(question_en="Does it hurt?", **{f"reviewed_by_{CODES[0]}": reviewer})
    note = ProcedureNote(title_en="Botox")
    for active, enabled in itertools.product(ACTIVE, (True, False)):
        with translation.override(active), fallbacks(enabled):
            assert faq.reviewed_by == library_value(faq, "reviewed_by")
            assert faq.question == library_value(faq, "question")
            assert faq.answer == library_value(faq, "answer")  # empty everywhere: the library's default
            assert note.text_version == library_value(note, "text_version")


def test_each_languages_order_is_worked_out_once(monkeypatch):
    calls = []
    library_order = education_translation.resolution_order

    def counted(*args):
        calls.append(args)
        return library_order(*args)

    monkeypatch.setattr(education_translation, "resolution_order", counted)
    monkeypatch.setattr(Article.__dict__["summary"], "orders", {})
    articles = [Article(summary_en=f"English {i}") for i in range(50)]
    for code in CODES:
        with translation.override(code):
            assert [article.summary for article in articles] == [f"English {i}" for i in range(50)]
    assert len(calls) == len(CODES)
