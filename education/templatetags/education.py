"""The admin's template filters (patient pages are Jinja2: education/templating.py)."""
from django import template

register = template.Library()


@register.filter
def admin_change_url_name(obj):
    return f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change"
