"""Project-level views that belong to no app."""
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """A constant answer for load balancers, and the benchmark's floor: the full middleware stack, no database."""
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """The 500 page, except when the database cannot be reached: then a short 503 in the visitor's language, with
    Retry-After, rendered without touching the database (no context processors)."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        # The failure may come before LocaleMiddleware has run (the page cache asks the database first).
        language = translation.get_language_from_path(request.path_info) or translation.get_language_from_request(
            request
        )
        with translation.override(language):
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
