from django import template
from django.utils.safestring import mark_safe

from education.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    # Safe to mark: render_markdown cleans its output with an allow-list sanitizer.
    return mark_safe(render_markdown(text))
