"""Project-level views that belong to no app."""
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """A constant answer for load balancers, and the benchmark's floor: the full middleware stack, no database."""
    return HttpResponse("ok\n", content_type="text/plain")
