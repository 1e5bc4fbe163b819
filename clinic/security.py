"""Small request guards the settings install: odd input gets a 4xx, never a database error (and so a 500); the
client address login throttling counts."""
import ipaddress
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import QueryDict

from education.text import clean_text


def axes_username(request, credentials=None):
    """The username axes records for a sign-in attempt, cut to what a username can be.

    Axes stores it in a 255-character column; PostgreSQL refuses longer text and any NUL byte, which would turn
    a silly login attempt into a server error.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD) or ""
    max_length = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length or 150
    return str(username).replace("\x00", "")[:max_length]


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(address in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip(request):
    """The visitor's address for login throttling and the sign-in log (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless the connection comes from a proxy listed in DJANGO_TRUSTED_PROXIES: then the nearest
    address in X-Forwarded-For that is not itself a trusted proxy. Anyone else's X-Forwarded-For is ignored, since
    a visitor can write whatever they like there.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_address(remote)):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            return remote  # a proxy we trust wrote something that is not an address: count the proxy
        if not _trusted(address):
            return str(address)
    return remote


class StripNulFromQueryMiddleware:
    """Drop NUL bytes from the query string's names and values: no view, admin search or filter has a use for one,
    PostgreSQL refuses them in queries, and a visitor's search with one still gets a normal page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class CleanPostedTextMiddleware:
    """Every form posted to the portal gets its text cleaned by education.text.clean_text before any form sees it,
    so a form validates, compares ("what changed") and stores the same text. A NUL stays in, for the form's own
    validator to refuse with its message. Passwords are left exactly as typed, and surrounding white space is left
    to each form field. (Text written any other way is cleaned on save: education/apps.py.)"""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            posted = request.POST
            cleaned = QueryDict(mutable=True)
            for key, values in posted.lists():
                if "password" in key:
                    cleaned.setlist(key, values)
                else:
                    cleaned.setlist(key, [clean_text(value, refuse_nul=False, strip=False) for value in values])
            cleaned._mutable = False
            request.POST = cleaned
        return self.get_response(request)


SEEN_KEY = "_staff_seen"


class StaffSessionIdleMiddleware:
    """A signed-in session's end moves on with activity: Django sets it to SESSION_COOKIE_AGE after each save, so
    a session is saved again once it was last saved more than SESSION_REFRESH_SECONDS ago (not on every request,
    which would cost a write each time). Idle for SESSION_COOKIE_AGE, it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(SEEN_KEY, 0) > settings.SESSION_REFRESH_SECONDS:
                request.session[SEEN_KEY] = now
        return self.get_response(request)


def seen_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())

