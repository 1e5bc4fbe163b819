from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "glossary"
urlpatterns = [path(pgettext_lazy("url", "glossary/"), views.index, name="index")]
