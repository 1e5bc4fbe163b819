"""Patient pages. Every query for content goes through `published()`, the one rule for what patients may see."""
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from search import engine as search

from . import page_data, structured_data
from .models import FAQ, Article, Pack, PackItem, Page, ProcedureNote, Topic


def language_links(request, obj=None):
    """The same page in every language: the item's own address there (slugs differ), or the translated path."""
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.path, code) if obj is None else None  # resolves in the active language
        with translation.override(code):
            url = url or obj.get_absolute_url()
            own_name = str(name)  # the language's name in itself: "Italiano" on the English page
        links.append(
            {
                "code": code,
                "name": name,
                "own_name": own_name,
                "url": url,
                "absolute": request.build_absolute_uri(url),
                "current": code == translation.get_language(),
            }
        )
    return links


def render_item(request, template, context, item):
    """Render a detail page; an item patients cannot see yet is a staff preview: bannered and never cached."""
    preview = not item.is_public
    pending = bool(item.draft) and item.is_public and request.user.is_staff
    if pending:  # staff read a live item's pending changes; patients get the live text (and the cached page)
        item.show_pending_changes()
        preview = True
    newer = item.newer_language(translation.get_language())
    newer_link = next((link for link in context["language_links"] if link["code"] == newer), None)
    response = render(
        request, template, {**context, "preview": preview, "pending": pending, "newer_link": newer_link}
    )
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


# How long lists and their first few are (education/page_data.py fetches them); the home page shows the first
# few of each kind and links to the rest.
ITEMS_PER_PAGE = page_data.ITEMS_PER_PAGE
FAQS_PER_PAGE = page_data.FAQS_PER_PAGE
HOME_ITEMS = 6
TOPIC_FAQS = page_data.TOPIC_FAQS
TOPIC_PROCEDURES = page_data.TOPIC_PROCEDURES
RELATED_ARTICLES = page_data.RELATED_ARTICLES


def paginate(request, queryset, per_page=ITEMS_PER_PAGE):
    """One page of `queryset`; a missing, odd or too large ?page= gives the first or the last page, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def published_articles(now=None):
    return Article.objects.published(now).listed()


def published_procedures(now=None):
    return ProcedureNote.objects.published(now).listed()


def published_faqs():
    """Published questions with what a list of them shows: answers and their reviewers (lists by topic add it)."""
    reviewers = (f"reviewed_by_{code}" for code, _name in settings.LANGUAGES)
    return FAQ.objects.published().listed().select_related(*reviewers)


@require_safe
def home(request):
    # Prepared once per process and language (education/page_data.py): building them cost more than running them.
    context = {
        "topics": page_data.prepared("home-topics", lambda now: Topic.objects.all()),
        "articles": page_data.prepared("home-articles", lambda now: published_articles(now)[:HOME_ITEMS]),
        "procedures": page_data.prepared("home-procedures", lambda now: published_procedures(now)[:HOME_ITEMS]),
        "language_links": language_links(request),
    }
    return render(request, "education/home.html", context)


def _item_index(request, queryset, title, query=""):
    context = {
        "title": title,
        "items": paginate(request, queryset),
        "query": query,  # keeps a filter in the pagination's links
        "language_links": language_links(request),
    }
    return render(request, "education/item_index.html", context)


@require_safe
def article_list(request):
    return _item_index(request, published_articles(), _("Articles"))


@require_safe
def procedure_list(request):
    """Every treatment, a page at a time; ?topic=<slug> keeps one topic's (an unknown one, all), for the topic page's
    link to the treatments it does not show."""
    topic = Topic.objects.by_slug(request.GET["topic"]).first() if request.GET.get("topic") else None
    if topic is None:
        return _item_index(request, published_procedures(), _("Treatments"))
    title = _("Treatments about %(topic)s") % {"topic": topic.name}
    query = f"{urlencode({'topic': topic.slug})}&"
    return _item_index(request, published_procedures().filter(topics=topic), title, query)


@require_safe
def topic_detail(request, slug):
    # One prepared query (education/page_data.py). A topic can gather hundreds of articles and dozens of treatments:
    # a page of articles at a time, and the first treatments and questions with a link to all of them.
    topic = page_data.topic_page(slug, request.GET.get("page"))
    if topic is None:
        raise Http404
    context = {
        "topic": topic,
        "articles": topic.articles_page,
        "procedures": topic.first_procedures[:TOPIC_PROCEDURES],
        "more_procedures": len(topic.first_procedures) > TOPIC_PROCEDURES,
        "faqs": topic.first_faqs[:TOPIC_FAQS],
        "more_faqs": len(topic.first_faqs) > TOPIC_FAQS,
        "language_links": language_links(request, topic),
    }
    return render(request, "education/topic_detail.html", context)


def item_detail(request, model, slug):
    """The item an article or treatment page shows (published, or a staff preview), by its slug in the active
    language, in one query: its reviewers and image joined, its related lists as JSON (education/page_data.py)."""
    if not request.user.is_staff:  # visible_to() gives patients published(): its query is prepared once
        item = page_data.published_item(model, slug)
        if item is None:
            raise Http404
        return item
    item = get_object_or_404(
        page_data.related_lists(
            model.objects.visible_to(request.user)
            .with_review()
            .select_related("image")
            .defer("quality", "claims_acknowledged")
            .by_slug(slug),
            model,
        )
    )
    return page_data.fill(item)


@require_safe
def article_detail(request, slug):
    article = item_detail(request, Article, slug)
    return render_item(request, *article_page(request, article), article)


def article_page(request, article):
    """The template and context of an article's page (also the admin's preview of an unsaved form)."""
    context = {
        "item": article,
        "article": article,
        "language_links": language_links(request, article),
        "structured_data": structured_data.article_data(article, request.build_absolute_uri()),
    }
    return "education/article_detail.html", context


def _filled(procedure, names):
    return [
        {"name": name, "label": ProcedureNote._meta.get_field(name).verbose_name, "text": getattr(procedure, name)}
        for name in names
        if getattr(procedure, name)
    ]


@require_safe
def procedure_detail(request, slug):
    procedure = item_detail(request, ProcedureNote, slug)
    return render_item(request, *procedure_page(request, procedure), procedure)


def procedure_page(request, procedure):
    """The template and context of a treatment's page (also the admin's preview of an unsaved form)."""
    # A treatment can be mentioned by hundreds of articles: the newest few, then the way to the rest by topic.
    articles = getattr(procedure, "newest_articles", None)  # item_detail's, or the admin preview's query
    if articles is None:
        articles = list(published_articles().filter(procedures=procedure)[: RELATED_ARTICLES + 1])
    context = {
        "item": procedure,
        "procedure": procedure,
        "articles": articles[:RELATED_ARTICLES],
        "more_articles": len(articles) > RELATED_ARTICLES,
        "sections": _filled(procedure, ProcedureNote.SECTIONS),
        "key_facts": _filled(procedure, ProcedureNote.KEY_FACTS),
        "language_links": language_links(request, procedure),
        "structured_data": structured_data.procedure_data(procedure, request.build_absolute_uri()),
    }
    return "education/procedure_detail.html", context


@require_safe
def faq_list(request):
    """Every question, grouped by topic, a page at a time; ?topic=<slug> keeps one topic's (an unknown one, all)."""
    faqs, topic = page_data.faq_page(request.GET.get("topic") or None, request.GET.get("page"))
    context = {
        "faqs": faqs,
        "topic": topic,
        "page_query": f"{urlencode({'topic': topic.slug})}&" if topic else "",
        "language_links": language_links(request),
        "structured_data": structured_data.faq_data(faqs),
    }
    return render(request, "education/faq_list.html", context)


@require_safe
def faq_detail(request, pk):
    faq = get_object_or_404(FAQ.objects.visible_to(request.user).with_review().select_related("topic"), pk=pk)
    return render_item(request, *faq_page(request, faq), faq)


def faq_page(request, faq):
    return "education/faq_detail.html", {"faq": faq, "language_links": language_links(request, faq)}


@require_safe
def page_detail(request, slug):
    page = get_object_or_404(Page.objects.visible_to(request.user).with_review().by_slug(slug))
    return render_item(request, *page_page(request, page), page)


def page_page(request, page):
    return "education/page_detail.html", {"page": page, "language_links": language_links(request, page)}


@require_safe
def pack_detail(request, slug):
    pack = get_object_or_404(
        Pack.objects.visible_to(request.user)
        .with_review()
        .defer("quality", "claims_acknowledged")
        .by_slug(slug)
        .prefetch_related(Prefetch("entries", queryset=PackItem.objects.for_patients()), "timeline")
    )
    # Only the items patients may see (for_patients() reads them through published()), staff previews included.
    entries = [entry for entry in pack.entries.all() if entry.item is not None]
    # The timeline in the language the pack's own text is shown in: an unapproved translation falls back with it.
    language = pack.live_language()
    timeline = [
        {"offset": entry.offset_days, "label": getattr(entry, f"label_{language}"),
         "instruction": getattr(entry, f"instruction_{language}")}
        for entry in pack.timeline.all()
    ]
    context = {
        "pack": pack,
        "entries": entries,
        "timeline": timeline,
        "timeline_language": language,
        "language_links": language_links(request, pack),
    }
    return render_item(request, "education/pack_detail.html", context, pack)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def search_results(request):
    """The site search: any query gives a page (see search/engine.py for what it matches and how)."""
    results = search.search(request.GET.get("q", ""), page=request.GET.get("page"))
    context = {
        "results": results,
        "search_query": results.query,
        # Suggested when nothing matched; the template reads them only then.
        "topics": Topic.objects.all(),
        "language_links": search_language_links(request, results.query),
    }
    return render(request, "education/search_results.html", context)


class _SearchPage:
    """The results page as language_links() reads an item: its address in the active language."""

    @staticmethod
    def get_absolute_url():
        return reverse("education:search")


def search_language_links(request, query):
    """The same search in every language (the query is kept; page numbers differ between languages).

    The page is reversed in each language rather than translated from the path (language_links() without an item),
    which resolves the path first: about a third of a millisecond per search for the same addresses."""
    links = language_links(request, _SearchPage)
    if query:
        for link in links:
            link["url"] += "?" + urlencode({"q": query})
    return links
