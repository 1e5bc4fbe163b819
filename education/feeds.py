"""An RSS feed per language of newly published or updated articles."""
import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Article

# Characters XML 1.0 cannot carry at all; an editor's stray control character must not break the feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(text):
    """Feed readers treat a description as HTML, so the editor's <, > and & are escaped once for HTML (the feed's XML
    writer escapes the result again, as XML). Quotes need no escaping in HTML text: escaped, they reached readers as
    "L&amp;#x27;acne". What XML cannot hold is dropped."""
    text = NOT_XML.sub("", text or "")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        return NOT_XML.sub("", item.title)

    def item_description(self, item):
        return plain(item.summary)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at
