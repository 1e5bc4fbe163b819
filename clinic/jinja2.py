"""The Jinja2 environment of the patient pages (templates/jinja2/); the admin keeps Django templates.

Patient pages render in Jinja2 because Django's template engine cost about two thirds of an uncached article (issue
#15). The templates call Django's own helpers for what Django templates did (URLs, static files, translations,
text filters), so their output stays what it was: autoescaped, translated from the same catalogue.
"""
import functools
import itertools
import operator

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

from education import addresses
from education import templating as education
from feedback.templating import feedback_form
from glossary import templating as glossary
from search.engine import name_in_a_sentence


def url(name, *args, **kwargs):
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return addresses.address(name)


# A page looks up about forty translated strings, the same on every page: kept per language, and forgotten when
# the settings they come from change (tests change them).
@functools.cache
def _translation(message, _language):
    return translation.gettext(message)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _translation.cache_clear()


def gettext(message, **variables):
    """`_("Reviewed by %(name)s", name=...)`: the translation from Django's catalogue, with the values escaped into it
    (the catalogue is ours, so the translation itself is markup). Jinja2's i18n extension does the same through
    three more calls per string, about forty strings a page."""
    text = _translation(message, translation.get_language())
    if not variables and "%" not in text:  # nothing to fill in, no "%%" to turn into "%"
        return Markup(text)
    return Markup(text) % variables


def ngettext(singular, plural, number, **variables):
    variables.setdefault("num", number)
    return Markup(translation.ngettext(singular, plural, number)) % variables


def groupby_run(items, attribute):
    """Consecutive items with the same `attribute`, as Django's {% regroup %}: [{"grouper": value, "list": [...]}]."""
    key = operator.attrgetter(attribute)
    return [{"grouper": value, "list": list(run)} for value, run in itertools.groupby(items, key=key)]


def local_datetime(value):
    """A date and time as Django templates print one: in the current time zone, in the language's format."""
    return formats.localize(timezone.template_localtime(value))


def open_graph_locale():
    language = translation.get_language()
    return settings.OPEN_GRAPH_LOCALES.get(language, language)


def environment(**options):
    # As Django templates: a missing name or attribute renders as nothing (optional context like `preview`).
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.globals.update(
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        url=url,
        static=static,
        current_language=translation.get_language,
        open_graph_locale=open_graph_locale,
        # "shown in English", "mostrata in inglese": a language's name as it reads inside a sentence.
        language_in_a_sentence=name_in_a_sentence,
        fallback_language=settings.MODELTRANSLATION_DEFAULT_LANGUAGE,
        field_lang=education.field_lang,
        leaflet_details=education.leaflet,
        feedback_form=feedback_form,
        glossary_field=glossary.glossary_field,
        glossary_words=glossary.glossary_words,
    )
    env.filters.update(
        html=education.html,
        jsonld=education.jsonld,
        long_date=education.long_date,
        excerpt=education.excerpt,
        groupby_run=groupby_run,
        datetime=local_datetime,
        truncatewords=defaultfilters.truncatewords,
        capfirst=defaultfilters.capfirst,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=defaultfilters.linebreaksbr,
        cut=defaultfilters.cut,
        urlencode=defaultfilters.urlencode,
    )
    return env
