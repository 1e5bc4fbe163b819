"""The staff roles, kept in step with the models after every migrate so they exist on every install."""
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

PUBLISHABLE = ("article", "procedurenote", "faq", "page")
SUPPORTING = ("topic", "source", "image")
EDITOR = [
    *(f"{action}_{model}" for model in PUBLISHABLE + SUPPORTING for action in ("add", "change", "view")),
    "view_clinician",
    "view_clinic",
]
REVIEWER = [
    *EDITOR,
    *(f"publish_{model}" for model in PUBLISHABLE),
    *(f"delete_{model}" for model in PUBLISHABLE + SUPPORTING),
    "add_clinician",
    "change_clinician",
    "change_clinic",
]
ROLES = {
    "Editors": Q(content_type__app_label="education", codename__in=EDITOR),
    "Clinical reviewers": Q(content_type__app_label="education", codename__in=REVIEWER),
    # Everything, including staff accounts and their roles, the sign-in log (axes) and sign-in devices (otp).
    "Administrators": Q(
        content_type__app_label__in=["education", "auth", "reversion", "axes", "otp_totp", "otp_static"]
    ),
}


def sync_roles(**kwargs):
    """Give each role exactly its permissions (post_migrate handler; also safe to call by hand)."""
    for name, permissions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(permissions))
