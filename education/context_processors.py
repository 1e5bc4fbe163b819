from django.utils.functional import SimpleLazyObject

from .models import Clinic


def clinic(request):
    """The clinic's contact details, fetched only when a template shows them."""
    return {"clinic": SimpleLazyObject(Clinic.current)}
