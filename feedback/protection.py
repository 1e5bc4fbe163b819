"""How the feedback form is protected without a cookie or a session, and how its text is cleaned.

- A signed token in the form (django.core.signing, keyed by SECRET_KEY) names the page (kind and id) and the
  language it was printed on, and the moment it was printed. A post is accepted only with a token that is intact,
  not older than FEEDBACK_TOKEN_MAX_AGE and names the page and language the post is for.
- Per address and page, at most FEEDBACK_RATE_LIMIT posts per FEEDBACK_RATE_WINDOW seconds, counted in the cache
  under a keyed hash of address and page: the address itself is never stored, and the counter expires with the
  window.
- A comment with a link or markup is refused; e-mail addresses and phone numbers are replaced before storing.
"""
import logging
import re

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

SALT = "feedback.form"

logger = logging.getLogger(__name__)


class Refused(Exception):
    """A post that is not stored; `reason` picks the message the patient sees."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def make_token(kind, pk, language):
    return signing.dumps([kind, pk, language], salt=SALT, compress=False)


def check_token(token, kind, pk, language):
    """Raise Refused("missing" | "invalid" | "expired" | "other-page") unless `token` was made for this page."""
    if not token:
        raise Refused("missing")
    try:
        signed = signing.loads(token, salt=SALT, max_age=settings.FEEDBACK_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused("expired") from None
    except signing.BadSignature:
        raise Refused("invalid") from None
    if signed != [kind, pk, language]:
        raise Refused("other-page")


def rate_limit_key(address, kind, pk):
    digest = salted_hmac(SALT, f"{address}|{kind}|{pk}", algorithm="sha256").hexdigest()
    return f"feedback:rate:{digest}"


def count_post(address, kind, pk):
    """Count this post; raise Refused("too-many") once the address has used up its posts for this page."""
    key = rate_limit_key(address, kind, pk)
    window = settings.FEEDBACK_RATE_WINDOW
    try:
        if cache.add(key, 1, window):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, window)
                count = 1
    except Exception:
        # A shared cache that is down: the patient's answer is kept rather than lost (spam checks still apply).
        logger.warning("Feedback rate limit unavailable: the cache failed", exc_info=True)
        return
    if count > settings.FEEDBACK_RATE_LIMIT:
        raise Refused("too-many")


LINK = re.compile(
    r"(https?:|ftp:|www\.|<\s*/?\s*[a-z]|\[/?url|\[/?link|href\s*=|\b[\w-]+\.(com|net|org|ru|cn|info|biz|xyz|top|io)\b)",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Seven or more digits, possibly with a leading + and spaces, dots, dashes or brackets between them.
PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s./()-]*\d){6,}")


def is_spam(text):
    """A link or markup (an e-mail address is not one: it is scrubbed instead)."""
    return bool(LINK.search(EMAIL.sub("", text)))


def scrub(text):
    """The comment with e-mail addresses and phone numbers replaced by a note of what was removed."""
    text = EMAIL.sub("[e-mail]", text)
    return PHONE.sub("[phone]", text)
