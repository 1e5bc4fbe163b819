"""The feedback form in patient pages (Jinja2, installed by clinic/jinja2.py) and in its refusal page."""
import functools

from django.urls import reverse
from django.utils import translation

from feedback.forms import FeedbackForm
from feedback.protection import make_token


def form_context(item, form=None):
    """What templates/feedback/_form.html needs for `item`: the address to post to and a token for this page."""
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


def feedback_form(item):
    """The form's context for a page patients can see; None on a staff preview, which takes no feedback."""
    return form_context(item) if item.is_public else None
