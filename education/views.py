"""Patient pages. Every query for content goes through `published()`, the one rule for what patients may see."""
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import translate_url
from django.utils import translation
from django.views.decorators.http import require_GET

from . import search
from .models import FAQ, Article, Page, ProcedureNote, Topic


def language_links(request, obj=None):
    """The same page in every language: the item's own address there (slugs differ), or the translated path."""
    links = []
    for code, name in settings.LANGUAGES:
        if obj is not None:
            with translation.override(code):
                url = obj.get_absolute_url()
        else:
            url = translate_url(request.path, code)
        links.append({"code": code, "name": name, "url": url, "current": code == translation.get_language()})
    return links


def published_articles():
    return Article.objects.published().select_related("reviewed_by")


@require_GET
def home(request):
    context = {
        "topics": Topic.objects.all(),
        "articles": published_articles()[:6],
        "procedures": ProcedureNote.objects.published(),
        "language_links": language_links(request),
    }
    return render(request, "education/home.html", context)


@require_GET
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.by_slug(slug))
    context = {
        "topic": topic,
        "articles": published_articles().filter(topics=topic),
        "procedures": ProcedureNote.objects.published().filter(topics=topic),
        "faqs": FAQ.objects.published().filter(topic=topic),
        "language_links": language_links(request, topic),
    }
    return render(request, "education/topic_detail.html", context)


@require_GET
def article_detail(request, slug):
    article = get_object_or_404(
        published_articles().by_slug(slug).prefetch_related(
            "topics",
            "sources",
            Prefetch("procedures", queryset=ProcedureNote.objects.published()),
            Prefetch("faqs", queryset=FAQ.objects.published()),
        )
    )
    context = {"article": article, "language_links": language_links(request, article)}
    return render(request, "education/article_detail.html", context)


@require_GET
def procedure_detail(request, slug):
    procedure = get_object_or_404(
        ProcedureNote.objects.published()
        .select_related("reviewed_by")
        .by_slug(slug)
        .prefetch_related(
            "topics",
            "sources",
            Prefetch("articles", queryset=published_articles()),
            Prefetch("faqs", queryset=FAQ.objects.published()),
        )
    )
    sections = [
        (ProcedureNote._meta.get_field(name).verbose_name, getattr(procedure, name))
        for name in ProcedureNote.SECTIONS
        if getattr(procedure, name)
    ]
    key_facts = [
        (ProcedureNote._meta.get_field(name).verbose_name, getattr(procedure, name))
        for name in ProcedureNote.KEY_FACTS
        if getattr(procedure, name)
    ]
    context = {
        "procedure": procedure,
        "sections": sections,
        "key_facts": key_facts,
        "language_links": language_links(request, procedure),
    }
    return render(request, "education/procedure_detail.html", context)


@require_GET
def faq_list(request):
    faqs = FAQ.objects.published().select_related("topic")
    context = {"faqs": faqs, "language_links": language_links(request)}
    return render(request, "education/faq_list.html", context)


@require_GET
def page_detail(request, slug):
    page = get_object_or_404(Page.objects.published().select_related("reviewed_by").by_slug(slug))
    context = {"page": page, "language_links": language_links(request, page)}
    return render(request, "education/page_detail.html", context)


@require_GET
def search_results(request):
    """The site search: any query gives a page (see education/search.py for what it matches and how)."""
    results = search.search(request.GET.get("q", ""), page=request.GET.get("page"))
    context = {
        "results": results,
        "search_query": results.query,
        # Suggested when nothing matched; the template reads them only then.
        "topics": Topic.objects.all(),
        "language_links": search_language_links(request, results.query),
    }
    return render(request, "education/search_results.html", context)


def search_language_links(request, query):
    """The same search in every language (the query is kept; page numbers differ between languages)."""
    links = language_links(request)
    if query:
        for link in links:
            link["url"] += "?" + urlencode({"q": query})
    return links
