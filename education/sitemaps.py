"""/sitemap.xml: every published page in both languages, each with its alternates."""
from collections.abc import Mapping

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property

from . import registry
from .models import Topic


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    # No x_default: Django builds it by dropping the language prefix, which our URLs always carry.


class PublishedSitemap(I18nSitemap):
    """The published items of one registered content type."""

    def __init__(self, entry):
        self.model = entry.model
        self.priority = entry.sitemap.priority
        self.changefreq = entry.sitemap.changefreq

    def items(self):
        # Only what an address and its date need: the texts of thousands of items would cost megabytes per request.
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(I18nSitemap):
    def items(self):
        return Topic.objects.order_by("pk")


class StaticSitemap(I18nSitemap):
    """The home page and the page listing each content type that has one."""

    def items(self):
        return ["education:home", *(entry.list_url_name for entry in self._listed)]

    def location(self, item):
        return reverse(item)

    @cached_property
    def _listed(self):
        return [entry for entry in registry.content_types() if entry.list_url_name]

    @cached_property
    def _last_changed(self):
        """The newest change among each kind's published items, read once (lastmod asks per page and language)."""
        return {
            entry.list_url_name: entry.model.objects.published()
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
            for entry in self._listed
        }

    def lastmod(self, item):
        # Each list changes whenever one of its items does; the home page whenever any item does.
        dates = [self._last_changed[item]] if item in self._last_changed else self._last_changed.values()
        return max((date for date in dates if date), default=None)


class Sitemaps(Mapping):
    """{section: sitemap} as the registry stands at each request (Django's sitemap views take any mapping)."""

    def _sections(self):
        sections = {"pages": StaticSitemap, "topics": TopicSitemap}
        for entry in registry.content_types():
            if entry.sitemap:
                sections[entry.sitemap.section] = PublishedSitemap(entry)
        return sections

    def __getitem__(self, section):
        return self._sections()[section]

    def __iter__(self):
        return iter(self._sections())

    def __len__(self):
        return len(self._sections())

    # Equal to itself only: reverse("sitemap") compares the URL's default arguments, and two readings of the registry
    # make different sitemap objects.
    __eq__ = object.__eq__
    __hash__ = object.__hash__


SITEMAPS = Sitemaps()
