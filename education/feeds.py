"""An RSS feed per language of newly published or updated articles."""
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Article


class ArticleFeed(Feed):
    def title(self):
        return _("New and updated articles")

    def description(self):
        return _("Treatment information for patients, clinically reviewed.")

    def link(self):
        return reverse("education:home")

    def items(self):
        return Article.objects.published().order_by("-updated_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at
