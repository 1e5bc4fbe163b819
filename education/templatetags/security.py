"""Template helpers for the security pages (the admin's sign-in lockout)."""
from django import template

register = template.Library()


@register.filter
def whole_minutes(duration):
    """A timedelta as whole minutes, rounded up, so "paused for N minutes" is never too short."""
    if not duration:
        return 0
    return -(-int(duration.total_seconds()) // 60)
