"""/sitemap.xml: every published page in both languages, each with its alternates."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property

from .models import FAQ, Article, Pack, Page, ProcedureNote, Topic


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    # No x_default: Django builds it by dropping the language prefix, which our URLs always carry.


class PublishedSitemap(I18nSitemap):
    model = None

    def items(self):
        # Only what an address and its date need: the texts of thousands of items would cost megabytes per request.
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ArticleSitemap(PublishedSitemap):
    model = Article


class ProcedureSitemap(PublishedSitemap):
    model = ProcedureNote


class PageSitemap(PublishedSitemap):
    model = Page


# pack: published instruction packs have their own page in each language.
class PackSitemap(PublishedSitemap):
    model = Pack


class TopicSitemap(I18nSitemap):
    def items(self):
        return Topic.objects.order_by("pk")


class StaticSitemap(I18nSitemap):
    def items(self):
        return ["education:home", "education:articles", "education:procedures", "education:faq"]

    def location(self, item):
        return reverse(item)

    @cached_property
    def _last_changed(self):
        """The newest change among each kind's published items, read once (lastmod asks per page and language)."""
        return {
            model: model.objects.published().order_by("-updated_at").values_list("updated_at", flat=True).first()
            for model in (Article, ProcedureNote, FAQ)
        }

    def lastmod(self, item):
        # Each list changes whenever one of its items does; the home page whenever any item does.
        models = {
            "education:faq": [FAQ],
            "education:articles": [Article],
            "education:procedures": [ProcedureNote],
        }.get(item, [Article, ProcedureNote, FAQ])
        return max((self._last_changed[model] for model in models if self._last_changed[model]), default=None)


SITEMAPS = {
    "pages": StaticSitemap,
    "topics": TopicSitemap,
    "articles": ArticleSitemap,
    "procedures": ProcedureSitemap,
    "about": PageSitemap,
    "packs": PackSitemap,  # pack:
}
