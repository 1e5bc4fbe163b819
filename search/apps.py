from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The site search. Content apps register what it indexes (search/registry.py) in their own ready()."""

    name = "search"
    verbose_name = _("Site search")
