from django.utils.functional import SimpleLazyObject

from .models import Clinic, Page


def clinic(request):
    """The clinic's details and the pages about the service, each fetched only when a template shows it."""
    return {
        "clinic": SimpleLazyObject(Clinic.current),
        "footer_pages": SimpleLazyObject(lambda: list(Page.objects.published())),
    }
