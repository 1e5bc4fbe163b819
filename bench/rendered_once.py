"""The portal for bench/ceiling.py: each patient template renders once per process, and its first output is served
again after that. Views still run in full (the page's query, its model instances, its context); only the template
and what it calls (context processors, translated strings, URLs, the fields it reads) cost nothing. Never served
to anyone but the benchmark: every article would show the first article's page."""
from django.template.backends.jinja2 import Template

from clinic.wsgi import application  # noqa: F401  (gunicorn's entry point)

_render = Template.render
_outputs = {}


def render_once(self, context=None, request=None):
    name = self.template.name
    if name not in _outputs:
        _outputs[name] = _render(self, context, request)
    return _outputs[name]


Template.render = render_once
