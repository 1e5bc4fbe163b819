"""The one patient-facing view of feedback: it stores an answer and sends the patient back to the page.

No cookie is read or set (see protection.py for what replaces Django's CSRF cookie), and every refusal is a page in
the patient's language with the way back, never a bare 403.
"""
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from education.views import language_links

from . import protection
from .forms import FeedbackForm
from .models import Feedback, model_for_kind, purge_now_and_then
from .protection import Refused
from .templating import form_context

THANKS_FRAGMENT = "feedback-thanks"

MESSAGES = {
    "missing": _("Your answer could not be sent because part of the form was missing. Please send it again."),
    "invalid": _("Your answer could not be sent because the form was changed or came from another website."),
    "other-page": _("This form belongs to another page or language. Please send your answer from this page."),
    "expired": _(
        "The page was open for a long time, so the form expired. Your answer is still here: please send it again."
    ),
    "form": _("Please check your answer below."),
    "spam": _("Please write your answer without links or web addresses."),
    "too-many": _(
        "We have already received several answers from you about this page. Thank you: there is no need to send more."
    ),
}
STATUS = {"too-many": 429}


@csrf_exempt  # no cookie to protect: a signed token bound to the page replaces it (protection.py)
def submit(request, kind, pk):
    model = model_for_kind(kind)
    item = model.objects.published().filter(pk=pk).first() if model else None
    if item is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(item.get_absolute_url())
    language = translation.get_language()
    form = FeedbackForm(request.POST)
    try:
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise Refused("invalid")
        protection.check_token(request.POST.get("token"), kind, item.pk, language)
        if not form.is_valid():
            raise Refused("form")
        if form.cleaned_data["website"] or protection.is_spam(form.cleaned_data["comment"]):
            raise Refused("spam")
        protection.count_post(request.META.get("REMOTE_ADDR", ""), kind, item.pk)
    except Refused as refusal:
        return refused(request, item, form, refusal.reason)
    Feedback.objects.create(
        item=item,
        language=language,
        item_version=item.version,
        helpful=form.cleaned_data["helpful"],
        comment=protection.scrub(form.cleaned_data["comment"].strip()),
    )
    purge_now_and_then()
    # 303: the browser fetches the page with GET, the same page (and cached copy) every patient gets; the fragment
    # never reaches the server, and the page's own CSS shows the thank-you it points at.
    response = HttpResponseRedirect(f"{item.get_absolute_url()}#{THANKS_FRAGMENT}")
    response.status_code = 303
    return response


def refused(request, item, form, reason):
    """The page a patient sees when an answer is not stored: why, the way back and, where it helps, the form again."""
    if reason != "form":
        # Keep what the patient chose and wrote, on a fresh form with a new token.
        form = FeedbackForm(initial={k: request.POST.get(k, "") for k in ("helpful", "comment")})
    context = {
        "item": item,
        "message": MESSAGES[reason],
        "feedback": None if reason == "too-many" else form_context(item, form),
        "language_links": language_links(request, item),
    }
    response = render(request, "feedback/refused.html", context, status=STATUS.get(reason, 400))
    patch_cache_control(response, private=True, no_store=True)
    return response
