"""What the patient pages' rendering keeps between requests (for speed) still follows each request's language and
the settings: addresses (education/addresses.py), translated strings, the empty feedback form; and dates written
per language's format module."""
import datetime

import pytest
from django.conf import settings
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix, translate_url
from django.utils import formats, timezone, translation

from clinic import jinja2 as helpers
from clinic.formats.it import formats as italian_formats
from education import addresses, templating
from education.templating import long_date
from feedback import templating as feedback_templating
from feedback.templating import feedback_form, form_context


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_a_kept_address_is_each_languages_own():
    addresses = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            addresses.add(render("{{ url('education:faq') }}"))
            assert render("{{ url('education:faq') }}") == reverse("education:faq")
    assert len(addresses) == len(settings.LANGUAGES)


SLUG_ROUTES = ["education:topic", "education:article", "education:procedure", "education:page", "education:pack"]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_an_items_address_is_what_reverse_gives(code):
    with translation.override(code):
        for name in SLUG_ROUTES:
            for slug in ["acne", "botox-for-acne-2", "a_b", "X", "__slug__", None, 7]:
                assert addresses.slug_address(name, slug) == reverse(name, kwargs={"slug": slug})
            for odd in ["", "two words", "perché", "a/b"]:  # reverse() refuses them; so does slug_address()
                with pytest.raises(NoReverseMatch):
                    addresses.slug_address(name, odd)


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_a_questions_address_is_what_reverse_gives(code):
    with translation.override(code):
        for pk in [0, 1, 7, 42, 987654321, 10**12]:
            for _twice in range(2):
                assert addresses.pk_address("education:faq_detail", pk) == reverse(
                    "education:faq_detail", kwargs={"pk": pk}
                )
        for odd in [-1, None, "x", "12"]:  # reverse() decides: it refuses most and takes a string of digits
            try:
                expected = reverse("education:faq_detail", kwargs={"pk": odd})
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    addresses.pk_address("education:faq_detail", odd)
            else:
                assert addresses.pk_address("education:faq_detail", odd) == expected
        set_script_prefix("/clinic/")
        try:
            assert addresses.pk_address("education:faq_detail", 5) == reverse("education:faq_detail", kwargs={"pk": 5})
        finally:
            set_script_prefix("/")


def test_an_items_address_follows_the_url_prefix():
    set_script_prefix("/clinic/")
    try:
        assert addresses.slug_address("education:article", "acne") == "/clinic/en/articles/acne/"
        assert addresses.address("education:faq") == "/clinic/en/faq/"
    finally:
        set_script_prefix("/")
    assert addresses.slug_address("education:article", "acne") == "/en/articles/acne/"


PAGE_ROUTES = ["education:home", "education:faq", "education:articles", "education:procedures", "education:search",
               "glossary:index"]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_a_pages_path_in_another_language_is_what_translate_url_gives(code):
    with translation.override(code):
        paths = [reverse(name) for name in PAGE_ROUTES]
        paths += ["/nowhere/", f"/{code}/no-such-page/", reverse("education:article", kwargs={"slug": "acne"}), ""]
        for path in paths:
            for other, _name in settings.LANGUAGES:
                for _twice in range(2):
                    assert addresses.translated_path(path, other) == translate_url(path, other)
        own = {reverse(name) for name in PAGE_ROUTES}
        for other, _name in settings.LANGUAGES:
            translated = {addresses.translated_path(reverse(name), other) for name in PAGE_ROUTES}
            assert (translated == own) == (other == code)


def test_a_pages_path_in_another_language_follows_the_url_prefix():
    with translation.override("en"):
        assert addresses.translated_path("/en/faq/", "it") == translate_url("/en/faq/", "it")
        set_script_prefix("/clinic/")
        try:
            assert addresses.translated_path("/en/faq/", "it") == translate_url("/en/faq/", "it")
        finally:
            set_script_prefix("/")


def test_kept_addresses_and_strings_are_forgotten_when_the_settings_change():
    with translation.override("en"):
        render("{{ url('education:home') }}{{ _('Sources') }}")
        addresses.translated_path("/en/faq/", "it")
        assert addresses._reversed.cache_info().currsize and helpers._translation.cache_info().currsize
        assert addresses._translated.cache_info().currsize
        with override_settings(LANGUAGE_CODE=settings.LANGUAGE_CODE):
            assert addresses._reversed.cache_info().currsize == 0
            assert addresses._translated.cache_info().currsize == 0
            assert helpers._translation.cache_info().currsize == 0


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_a_kept_translation_is_the_catalogues_in_each_language(code):
    with translation.override(code):
        assert render("{{ _('Sources') }}") == translation.gettext("Sources")
        # A string with no values still turns "%%" into "%", as with values.
        assert render("{{ _('100%% sure') }}") == "100% sure"
        assert render("{{ _('%(n)s%% sure', n=5) }}") == "5% sure"


def test_the_shared_empty_feedback_form_reads_in_each_language(db):
    from education.models import Article

    article = Article(pk=1, title="x", slug="x")
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            form = form_context(article)["form"]
            labels[code] = [str(choice.choice_label) for choice in form["helpful"]]
            assert labels[code] == [translation.gettext("Yes"), translation.gettext("No")]
            assert not form.is_bound
    assert len({tuple(choices) for choices in labels.values()}) == len(settings.LANGUAGES)


def test_the_kept_feedback_section_is_the_template_rendered_for_each_page(db, monkeypatch):
    from education.models import Article, Clinic, Status

    # A token with characters HTML must escape, so a stand-in replaced raw would show.
    monkeypatch.setattr(feedback_templating, "make_token", lambda kind, pk, language: f"{kind}-{pk}-{language}<&\">")
    clinics = [
        None,
        Clinic(phone="+39 02 1234 5678", email="info@clinic.invalid"),
        Clinic(phone="+39 06 8765 4321", email=""),
    ]
    fields = engines["jinja2"].get_template("feedback/_fields.html")
    for pk in (3, 41):
        article = Article(pk=pk, title="x", slug=f"x{pk}", status=Status.PUBLISHED, publish_at=timezone.now())
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for clinic in clinics:  # each one's section kept beside the others'
                    shown = feedback_form(article, clinic)
                    assert str(shown) == fields.render({"fb": form_context(article), "clinic": clinic})
                    assert f'value="article-{pk}-{code}&lt;&amp;&#34;&gt;"' in shown
                    assert f'action="{reverse("feedback:submit", kwargs={"kind": "article", "pk": pk})}"' in shown
    assert feedback_form(Article(pk=5, title="x", slug="x5", status=Status.DRAFT), clinics[1]) is None


def test_the_first_of_a_month_comes_from_the_languages_format_module(monkeypatch):
    first, tenth = datetime.date(2026, 11, 1), datetime.date(2026, 1, 10)
    with translation.override("it"):
        assert long_date(first) == "1° novembre 2026" and long_date(tenth) == "10 gennaio 2026"
        monkeypatch.delattr(italian_formats, "FIRST_DAY_DATE_FORMAT")
        templating._long_date.cache_clear()  # written dates are kept; format modules change only in tests
        assert long_date(first) == "1 novembre 2026"
    with translation.override("en"):  # no FIRST_DAY_DATE_FORMAT: Django's DATE_FORMAT
        assert long_date(first) == "Nov. 1, 2026"


def test_a_kept_date_is_each_languages_and_follows_the_format_settings(settings):
    days = [datetime.date(2026, 11, 1), datetime.date(2026, 1, 10), datetime.date(2027, 2, 28)]
    written = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for day in days:
                first, again = long_date(day), long_date(day)
                assert first == again
                expected_format = templating.first_day_format(code) if day.day == 1 else None
                assert first == formats.date_format(day, expected_format or "DATE_FORMAT")
                written[code, day] = first
    assert len({written[code, days[1]] for code, _name in settings.LANGUAGES}) == len(settings.LANGUAGES)
    # Forgotten when settings change, as Django forgets its formats (tests change them).
    assert templating._long_date.cache_info().currsize > 0
    settings.DATE_FORMAT = "Y-m-d"
    assert templating._long_date.cache_info().currsize == 0
    # A time's day depends on its zone: written from the value itself each time, never from a kept date.
    moment = datetime.datetime(2026, 1, 10, 23, 30, tzinfo=datetime.UTC)
    with translation.override(settings.LANGUAGE_CODE):
        assert long_date(moment) == formats.date_format(moment, "DATE_FORMAT")
