"""Issue 18: every admin page staff use, in Italian, shows no English word from a list of common ones.

The content of the pages is made Italian in both language fields, so any English word left is the admin's own.
"""
import re

import pytest
import reversion
from bs4 import BeautifulSoup
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from education.registry import models as content_models
from education.rules import ClaimRule

from .factories import (
    make_article,
    make_clinician,
    make_faq,
    make_page,
    make_procedure,
    make_source,
    make_staff,
    make_topic,
)

pytestmark = pytest.mark.django_db

# Common words of the admin's English; none is also an Italian word staff would see ("No", "Data" and "Link" are).
ENGLISH = {
    "add", "all", "an", "and", "are", "available", "behind", "breadcrumbs", "by", "change", "choose",
    "chosen", "clear", "complete", "date", "delete", "devices", "entries", "filter", "for", "from", "hide", "history",
    "home", "hour", "hours", "incomplete", "is", "items", "languages", "log", "model", "name", "none", "not", "note",
    "now", "of", "option", "or", "pagination", "remove", "run", "save", "search", "select", "selected", "server",
    "show", "the", "this", "time", "to", "today", "unknown", "view", "welcome", "with", "yes", "you", "your",
}
# The apps clinic staff work in; auth, axes and the sign-in devices are for administrators (see README).
STAFF_APPS = ("education", "images", "feedback", "glossary")
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# Names of the risky-claim rules' word lists ("{not-negation}"): syntax an editor types, not words of the admin.
SYNTAX = re.compile(r"\{[\w-]+\}")


def _italian_content():
    """One item of each kind, written in Italian in every language field."""
    topic = make_topic(name_en="Pelle", name_it="Pelle")
    items = [
        make_article(topics=[topic], title_en="Acne in estate", summary_en="Cosa fare.", body_en="Lavare il viso."),
        make_procedure(
            topics=[topic], title_en="Peeling chimico", summary_en="Cosa aspettarsi.", what_it_is_en="Un peeling.",
            risks_en="Rossore.", when_to_contact_en="Chiamaci.",
        ),
        make_faq(topic=topic, question_en="Fa male?", answer_en="Poco."),
        make_page(title_en="Chi siamo", body_en="Siamo una clinica."),
    ]
    make_source(title="Linee guida italiane", publisher="Società italiana")
    make_clinician(name="Dott.ssa Bianchi", role_en="Dermatologa", role_it="Dermatologa")
    # The shipped English risky-claim rules are content written for English text (patterns and reasons): the walk
    # keeps only the Italian ones, like the rest of its content.
    ClaimRule.objects.exclude(language="it").delete()
    for item in items:  # two saved versions each, so History offers a comparison and its page has one to show
        for _ in range(2):
            with reversion.create_revision():
                item.save()
    return topic, items


def _visible_words(html):
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "textarea", "template"]):
        hidden.decompose()
    texts = [SYNTAX.sub(" ", page.get_text(" "))]
    for element in page.find_all(True):
        texts += [element[name] for name in ("placeholder", "aria-label", "title", "alt") if element.get(name)]
        if element.name in ("input", "button") and element.get("type") in ("submit", "button", "reset"):
            texts.append(element.get("value", ""))
    return {word for text in texts for word in WORD.findall(str(text))}


def _admin_pages(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    yield reverse("admin:index")
    yield reverse("admin:review_due")
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in STAFF_APPS:
            continue
        yield reverse("admin:app_list", args=[opts.app_label])
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if model_admin.has_add_permission(request):
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        for obj in model._base_manager.all()[:1]:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            if model in content_models():
                yield reverse(f"admin:{opts.app_label}_{opts.model_name}_signoff", args=[obj.pk])
                yield reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk])


def test_every_staff_admin_page_in_italian_has_no_common_english_word(client):
    user = make_staff("capo", "Administrators", is_superuser=True)
    client.force_login(user)
    _italian_content()
    found = {}
    pages = list(dict.fromkeys(_admin_pages(user)))
    assert len(pages) > 30  # the walk reaches every model's pages
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="it")
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "it"
        # Words in capitals are abbreviations ("EN", "CC BY 4.0"), not sentences.
        english = {word for word in _visible_words(response.text) if word.lower() in ENGLISH and not word.isupper()}
        if english:
            found[url] = sorted(english)
    assert not found, "\n".join(f"{url}: {words}" for url, words in found.items())


def test_admin_dates_in_italian_are_lower_case_without_leading_zero(client):
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("it"):
        assert date_format(datetime.date(2026, 12, 1), "DATE_FORMAT") == "1 dicembre 2026"
        assert date_format(datetime.date(2026, 12, 1), "l j F") == "martedì 1 dicembre"
    client.force_login(make_staff("capo", "Administrators", is_superuser=True))
    make_article(title_en="Acne", next_review_due=datetime.date(2027, 1, 5))
    html = client.get(reverse("admin:education_article_changelist"), HTTP_ACCEPT_LANGUAGE="it").text
    assert "5 gennaio 2027" in html and "Gennaio" not in html
