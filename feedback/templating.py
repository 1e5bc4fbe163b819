"""The feedback form in patient pages (Jinja2, installed by clinic/jinja2.py) and in its refusal page."""
import functools
from types import SimpleNamespace

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import engines
from django.urls import reverse
from django.utils import translation
from markupsafe import Markup, escape

from feedback.forms import FeedbackForm
from feedback.protection import make_token

# Rendered into the shared empty section in place of a page's own address and token (see feedback_form()).
ACTION, TOKEN = "feedback-action-stand-in", "feedback-token-stand-in"


def form_context(item, form=None):
    """What templates/feedback/_fields.html needs for `item`: the address to post to and a token for this page."""
    kind = item._meta.model_name
    token = make_token(kind, item.pk, translation.get_language())
    form = form or _blank_form()
    return {
        "action": reverse("feedback:submit", kwargs={"kind": kind, "pk": item.pk}),
        "token": token,
        "form": form,
    }


@functools.cache
def _blank_form():
    """The empty form every page prints, made once: making a form copies its fields, and printing its choices builds
    their widgets, about a tenth of an article's rendering. Its labels are lazy, so they come out in each page's
    language; nothing writes to it (a post gets a form of its own)."""
    return FeedbackForm()


def feedback_form(item, clinic):
    """The feedback section of a page patients can see; None on a staff preview, which takes no feedback.

    The empty form reads the same on every page but for the address it posts to and its token: it is rendered once
    per language and clinic contact details, with stand-ins that each page replaces with its own (about a twentieth
    of a treatment page's time; its translated labels and choices made most of it). A form with errors (the refusal
    page) renders templates/feedback/_fields.html itself."""
    if not item.is_public:
        return None
    context = form_context(item)
    section = _empty_section(translation.get_language(), (clinic.phone, clinic.email) if clinic else None)
    return Markup(section.replace(ACTION, escape(context["action"])).replace(TOKEN, escape(context["token"])))


@functools.lru_cache(maxsize=64)
def _empty_section(language, contact):
    clinic = SimpleNamespace(phone=contact[0], email=contact[1]) if contact else None
    fb = {"action": ACTION, "token": TOKEN, "form": _blank_form()}
    with translation.override(language):
        return str(engines["jinja2"].get_template("feedback/_fields.html").render({"fb": fb, "clinic": clinic}))


@receiver(setting_changed)
def _forget_sections(**kwargs):
    _empty_section.cache_clear()
