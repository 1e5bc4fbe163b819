from django.utils.functional import SimpleLazyObject

from .cache import per_content
from .models import Clinic, Page


def clinic(request):
    """The clinic's details and the pages about the service, each fetched only when a template shows it."""
    return {
        "clinic": SimpleLazyObject(lambda: per_content(request, "clinic", Clinic.current)),
        "footer_pages": SimpleLazyObject(
            lambda: per_content(request, "footer-pages", lambda: list(Page.objects.published().defer("body")))
        ),
    }
