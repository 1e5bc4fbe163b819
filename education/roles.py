"""The staff roles, kept in step with the models after every migrate so they exist on every install."""
from django.contrib.auth.models import Group, Permission

CONTENT_MODELS = ("article", "procedurenote", "faq", "page", "topic", "source", "image")
EDITOR_PERMISSIONS = [
    f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")
] + ["view_clinician", "view_clinic"]
REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + [
    "add_clinician",
    "change_clinician",
    "change_clinic",
    *(f"delete_{model}" for model in CONTENT_MODELS),
]
ROLES = {
    "Editors": EDITOR_PERMISSIONS,
    "Clinical reviewers": REVIEWER_PERMISSIONS,
}


def sync_roles(**kwargs):
    """Give each role exactly its permissions (post_migrate handler; also safe to call by hand)."""
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="education", codename__in=codenames)
        group.permissions.set(permissions)
