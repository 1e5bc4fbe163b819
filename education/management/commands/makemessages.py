"""`makemessages` that also reads the patient pages' Jinja2 templates (templates/jinja2/).

Django's own command reads every template as a Django template, which finds only some of Jinja2's `_()` calls.
Here each Jinja2 template is read with Jinja2's own extractor (jinja2.ext.babel_extract, part of Jinja2) and handed
to xgettext as Python calls on the template's line numbers, so the catalogue's references point into the template.
"""
import io
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

JINJA2_DIRS = [
    Path(directory).resolve()
    for engine in settings.TEMPLATES
    if engine["BACKEND"].endswith("Jinja2")
    for directory in engine.get("DIRS", [])
]
KEYWORDS = ("_", "gettext", "ngettext")


def is_jinja2_template(path):
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(directory) for directory in JINJA2_DIRS)


def as_python(source):
    """The template's translatable strings as gettext()/ngettext() calls, each on its line in the template."""
    lines = [""] * (source.count("\n") + 1)
    found = babel_extract(io.BytesIO(source.encode()), KEYWORDS, [], {})
    for lineno, function, message, _comments in found:
        # A call with more arguments (the number, keyword arguments) comes as a tuple, None where not a constant.
        strings = message if isinstance(message, tuple) else (message,)
        if function == "ngettext":
            call = f"ngettext({strings[0]!r}, {strings[1]!r}, 1)"
        else:
            call = f"gettext({strings[0]!r})"
        lines[lineno - 1] += call + "; "
    return "\n".join(lines) + "\n"


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if not (self.is_templatized and is_jinja2_template(self.path)):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as template:
            content = as_python(template.read())
        with open(self.work_path, "w", encoding="utf-8") as python:
            python.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile
