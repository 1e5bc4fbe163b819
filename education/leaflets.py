"""Printed leaflets: each article and procedure note has a stable code, a short link `/<lang>/l/<CODE>` that always
leads to its current version in that language, and a QR code of that link drawn on our own server.

The short link answers with a redirect, or 410 for an item patients may no longer see. Neither is a 200, so the
page cache never stores them: a withdrawn item's link says so at once.
"""
import functools

import segno
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"


class Leaflet(models.Model):
    """An item printed as a leaflet: its code is given on first save from the kind's prefix and the item's id."""

    leaflet_code = models.CharField(
        _("leaflet code"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(CODE_PATTERN, _("Use capital letters, digits and hyphens, e.g. DERM-012."))],
        help_text=_(
            "Printed on the leaflet and in its short link; leave empty to get one. Changing it breaks the links "
            "on leaflets already printed."
        ),
    )

    # The first part of the codes given to this kind of item, e.g. "TRT" for TRT-012.
    leaflet_prefix = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.leaflet_code:
            self.leaflet_code = self.leaflet_code.upper()
        super().save(*args, **kwargs)
        if not self.leaflet_code:
            self.leaflet_code = free_code(self.leaflet_prefix, self.pk)
            # An update, not a second save: the item's version and text checks are not touched by a code.
            type(self)._base_manager.filter(pk=self.pk).update(leaflet_code=self.leaflet_code)

    def clean(self):
        super().clean()
        if self.leaflet_code and find(self.leaflet_code.upper(), exclude=self):
            raise ValidationError({"leaflet_code": _("Another leaflet already has this code.")})


def leaflet_models():
    return [model for model in apps.get_app_config("education").get_models() if issubclass(model, Leaflet)]


def find(code, exclude=None):
    """The item with leaflet `code`, of any kind, or None."""
    for model in leaflet_models():
        items = model._base_manager.filter(leaflet_code=code)
        if exclude is not None and isinstance(exclude, model):
            items = items.exclude(pk=exclude.pk)
        item = items.first()
        if item is not None:
            return item
    return None


def free_code(prefix, number):
    """`PREFIX-012` from the item's id; the next number up when an editor already gave that code to another item."""
    while True:
        code = f"{prefix}-{number:03d}"
        if find(code) is None:
            return code
        number += 1


def may_change_code(user):
    """Printed leaflets carry the code, so only an administrator changes it."""
    return user.is_superuser or user.groups.filter(name="Administrators").exists()


def short_url(request, item):
    """The absolute short link of `item` in the active language."""
    return request.build_absolute_uri(reverse("education:leaflet", kwargs={"code": item.leaflet_code}))


@functools.lru_cache(maxsize=2048)
def qr_svg(url):
    """The QR code of `url` as inline SVG; the same address always gives the same drawing, so it is kept."""
    # Safe to mark: segno draws only paths from the encoded bits; the address itself is not written into the SVG.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=2, border=2, omitsize=True))


def version(item, language):
    """The number of the live approval of `language`'s text (the leaflet's version), or None."""
    approval = getattr(item, f"approval_{language}", None)
    return approval.number if approval else None


def print_details(request, item):
    """What a printed leaflet carries: code, version, review dates, short link and its QR code."""
    if not getattr(item, "leaflet_code", None):
        return None
    language = item.live_language()
    url = short_url(request, item)
    return {
        "code": item.leaflet_code,
        "version": version(item, language),
        "last_reviewed": getattr(item, f"last_reviewed_{language}", None),
        "next_review_due": item.next_review_due,
        "overdue": item.trust["overdue"],
        "url": url,
        "qr": qr_svg(url),
    }


@require_safe
def short_link(request, code):
    """Send a patient from a printed leaflet to the current version in the printed language, or say it is gone."""
    from .views import language_links

    item = find(code.upper())
    if item is None:
        raise Http404
    if type(item).objects.published().filter(pk=item.pk).exists():
        return redirect(item.get_absolute_url())
    context = {"code": item.leaflet_code, "language_links": language_links(request)}
    return render(request, "education/leaflet_gone.html", context, status=410)
