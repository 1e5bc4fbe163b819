from django.urls import path
from django.utils.translation import pgettext_lazy

from . import leaflets, views
from .feeds import ArticleFeed

app_name = "education"
urlpatterns = [
    path("", views.home, name="home"),
    path(pgettext_lazy("url", "topics/<slug:slug>/"), views.topic_detail, name="topic"),
    path(pgettext_lazy("url", "articles/"), views.article_list, name="articles"),
    path(pgettext_lazy("url", "articles/<slug:slug>/"), views.article_detail, name="article"),
    path(pgettext_lazy("url", "procedures/"), views.procedure_list, name="procedures"),
    path(pgettext_lazy("url", "procedures/<slug:slug>/"), views.procedure_detail, name="procedure"),
    path(pgettext_lazy("url", "faq/"), views.faq_list, name="faq"),
    path(pgettext_lazy("url", "faq/<int:pk>/"), views.faq_detail, name="faq_detail"),
    path(pgettext_lazy("url", "about/<slug:slug>/"), views.page_detail, name="page"),
    path(pgettext_lazy("url", "packs/<slug:slug>/"), views.pack_detail, name="pack"),
    path(pgettext_lazy("url", "feed/"), ArticleFeed(), name="feed"),
    path(pgettext_lazy("url", "search/"), views.search_results, name="search"),
    # Printed on leaflets: short, and the same word in every language.
    path("l/<str:code>", leaflets.short_link, name="leaflet"),
]
