"""Every page costs a fixed number of queries, whether its lists hold 3 items or 100.

Measured with the page cache off and an empty cache, so the budget includes the per-content lookups (the clinic,
the footer pages, the next scheduled publish) that later requests take from the cache.
"""
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation

from education.cache import forget_kept

from .factories import (
    make_article,
    make_clinic,
    make_clinician,
    make_faq,
    make_page,
    make_procedure,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db

# Queries per page; the same budget holds for 3 and for 100 items in the page's lists.
# Article, procedure and question pages read the glossary's terms once per glossary version (glossary/marking.py).
# An article, treatment or topic page reads its item and every related list in one query, and a page of questions
# comes in one with its topics and reviewers (education/page_data.py).
PUBLIC_BUDGETS = {
    "home": 6,
    "topic": 4,
    "article": 5,
    "procedure": 5,
    "faq": 4,
    "faq_of_topic": 4,
    "articles": 5,
    "procedures": 5,
    "procedures_of_topic": 6,
    "faq_detail": 5,
    "page": 4,
    # The query mixes languages, so the search also looks for spelling suggestions (search/engine.py); the
    # synonyms' version is read from the database in each language, so every worker sees an edit at once.
    "search": 15,
    "sitemap": 8,
}
ADMIN_BUDGETS = {
    "article": 11,
    "procedurenote": 11,
    "faq": 11,
    "page": 10,
    "topic": 8,
    "clinician": 7,
    "source": 8,
    "clinic": 7,
}


@pytest.fixture(params=[3, 100], ids=["3 items", "100 items"])
def library(request):
    """One topic, article, procedure and FAQ at the centre, each linked to `size` others of every kind."""
    size = request.param
    make_clinic()
    clinician = make_clinician()
    topic = make_topic()
    sources = [make_source() for _ in range(size)]
    procedures = [make_procedure(topics=[topic], reviewed_by=clinician) for _ in range(size)]
    articles = [make_article(topics=[topic], reviewed_by=clinician) for _ in range(size)]
    article, procedure = articles[0], procedures[0]
    article.procedures.set(procedures)
    article.sources.set(sources)
    article.topics.add(*[make_topic() for _ in range(size)])
    procedure.sources.set(sources)
    faqs = [make_faq(topic=topic, article=article, procedure=procedure, reviewed_by=clinician) for _ in range(size)]
    pages = [make_page(reviewed_by=clinician) for _ in range(size)]
    return {
        "home": lambda: reverse("education:home"),
        "topic": topic.get_absolute_url,
        "article": article.get_absolute_url,
        "procedure": procedure.get_absolute_url,
        "faq": lambda: reverse("education:faq"),
        "faq_of_topic": lambda: reverse("education:faq") + f"?topic={topic.slug}",
        "articles": lambda: reverse("education:articles"),
        "procedures": lambda: reverse("education:procedures"),
        "procedures_of_topic": lambda: reverse("education:procedures") + f"?topic={topic.slug}",
        "faq_detail": lambda: reverse("education:faq_detail", kwargs={"pk": faqs[0].pk}),
        "page": pages[0].get_absolute_url,
        # Words from the factories' titles in both languages: every item of the library matches some of them.
        "search": lambda: reverse("education:search") + "?q=article+procedure+question+articolo+trattamento+domanda",
        "sitemap": lambda: "/sitemap.xml",
    }


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE = False


# Building the 100-item library costs far more than the requests, so each size is built once and every public page
# and language, and every admin change list, is a subtest of it; the cache is emptied before each request, so each one
# is measured cold.
def test_query_budgets(client, admin_client, library, no_page_cache, django_assert_max_num_queries, subtests):
    # Django asks the database once per process whether it has JSON functions (education/page_data.py uses them).
    connection.features.supports_json_field  # noqa: B018
    for model, budget in ADMIN_BUDGETS.items():
        with subtests.test(admin_list=model):
            url = reverse(f"admin:education_{model}_changelist")
            cache.clear()
            forget_kept()
            with django_assert_max_num_queries(budget):
                response = admin_client.get(url)
            assert response.status_code == 200
    for page, budget in PUBLIC_BUDGETS.items():
        for language, _name in settings.LANGUAGES:
            with subtests.test(page=page, language=language):
                with translation.override(language):
                    url = library[page]()
                cache.clear()
                forget_kept()
                with django_assert_max_num_queries(budget):
                    response = client.get(url)
                assert response.status_code == 200
                if page == "search":
                    assert response.text.count('<li class="result ') >= 9  # every item, or a full page of ten
