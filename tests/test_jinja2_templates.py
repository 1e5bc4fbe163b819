"""The patient pages' Jinja2 templates: every string they translate is in each language's catalogue, and the
makemessages extension that reads them finds each kind of call on its own line."""
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils.translation import trans_real
from jinja2.ext import babel_extract

from education.management.commands.makemessages import KEYWORDS, as_python, is_jinja2_template

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "jinja2").rglob("*.html"))
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translated_strings():
    """(template, msgid or (singular, plural)) of every translation call in the Jinja2 templates."""
    for template in TEMPLATES:
        with template.open("rb") as source:
            for _line, function, message, _comments in babel_extract(source, KEYWORDS, [], {}):
                strings = message if isinstance(message, tuple) else (message,)
                yield template.name, (strings[0], strings[1]) if function == "ngettext" else strings[0]


def test_the_templates_are_found_and_read_as_jinja2():
    assert len(TEMPLATES) > 30 and all(is_jinja2_template(template) for template in TEMPLATES)
    assert not is_jinja2_template(Path(settings.BASE_DIR) / "templates" / "admin" / "base_site.html")
    assert len(list(translated_strings())) > 100


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_string_the_templates_translate_is_in_the_catalogue(language):
    catalogue = trans_real.translation(language)._catalog
    missing = []
    for template, message in translated_strings():
        key = (message[0], 0) if isinstance(message, tuple) else message
        if not catalogue.get(key):
            missing.append((template, message))
    assert missing == []


def test_the_extension_writes_each_call_on_its_template_line():
    source = (
        '<p>{{ _("Plain") }}</p>\n'
        "\n"
        '{{ _("Reviewed by %(name)s", name=x) }} {{ gettext("Second") }}\n'
        '{{ ngettext("%(counter)s result", "%(counter)s results", n, counter=n) }}\n'
    )
    lines = as_python(source).splitlines()
    assert lines[0] == "gettext('Plain'); "
    assert lines[1] == ""
    assert lines[2] == "gettext('Reviewed by %(name)s'); gettext('Second'); "
    assert lines[3] == "ngettext('%(counter)s result', '%(counter)s results', 1); "


def test_patient_templates_escape_what_they_print_and_keep_translations_whole():
    template = engines["jinja2"].from_string('{{ _("Back to “%(title)s”", title=title) }} {{ text }}')
    html = template.render({"title": "<b>x</b>", "text": "<script>"})
    assert html == "Back to “&lt;b&gt;x&lt;/b&gt;” &lt;script&gt;"
