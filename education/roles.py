"""The staff roles, kept in step with the models after every migrate so they exist on every install."""
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import registry

SUPPORTING = ("topic", "source")


def editor_permissions():
    """Editors write every content type (education/registry.py) and the things content links to."""
    content = [entry.model_name for entry in registry.content_types()]
    return [
        *(f"{action}_{model}" for model in content + list(SUPPORTING) for action in ("add", "change", "view")),
        "view_clinician",
        "view_clinic",
        "view_claimrule",
        # The rows inside an item (a pack's items and timeline) are its own text: editors add and remove them.
        *(
            f"{action}_{part._meta.model_name}"
            for entry in registry.content_types()
            for part in entry.parts
            for action in ("add", "change", "delete", "view")
        ),
    ]


def reviewer_permissions():
    """Reviewers also publish what is reviewed, delete content, and keep the clinicians and claim rules."""
    content = [entry.model_name for entry in registry.content_types()]
    return [
        *editor_permissions(),
        *(f"publish_{entry.model_name}" for entry in registry.content_types() if entry.reviewed),
        *(f"delete_{model}" for model in content + list(SUPPORTING)),
        "add_clinician",
        "change_clinician",
        "change_clinic",
        *(f"{action}_claimrule" for action in ("add", "change", "delete")),
    ]


# Patient feedback (feedback/): editors read it; reviewers also mark it read and delete it.
OTHER_APPS_EDITOR = Q(content_type__app_label="feedback", codename="view_feedback")
OTHER_APPS_REVIEWER = Q(
    content_type__app_label="feedback", codename__in=["view_feedback", "change_feedback", "delete_feedback"]
)
# The glossary: editors write terms; reviewers also sign them off (review_term) and delete them.
OTHER_APPS_EDITOR |= Q(content_type__app_label="glossary", codename__in=["add_term", "change_term", "view_term"])
OTHER_APPS_REVIEWER |= Q(content_type__app_label="glossary")
# Images (images/): editors add and change them; reviewers also delete them.
OTHER_APPS_EDITOR |= Q(content_type__app_label="images", codename__in=["add_image", "change_image", "view_image"])
OTHER_APPS_REVIEWER |= Q(content_type__app_label="images")
# Search synonyms (search/): editors add and change them; reviewers also delete them.
OTHER_APPS_EDITOR |= Q(content_type__app_label="search", codename__in=["add_synonym", "change_synonym", "view_synonym"])
OTHER_APPS_REVIEWER |= Q(
    content_type__app_label="search", codename__in=["add_synonym", "change_synonym", "delete_synonym", "view_synonym"]
)


def roles():
    """{group name: the permissions it holds}, read from the registry each time."""
    return {
        "Editors": Q(content_type__app_label="education", codename__in=editor_permissions()) | OTHER_APPS_EDITOR,
        "Clinical reviewers": Q(content_type__app_label="education", codename__in=reviewer_permissions())
        | OTHER_APPS_REVIEWER,
        # Everything, including staff accounts and their roles, the sign-in log (axes) and sign-in devices (otp).
        "Administrators": Q(
            content_type__app_label__in=[
                "education", "images", "feedback", "glossary", "auth", "reversion", "axes", "otp_totp", "otp_static"
            ]
        ),
    }


def sync_roles(**kwargs):
    """Give each role exactly its permissions (post_migrate handler; also safe to call by hand)."""
    for name, permissions in roles().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(permissions))
