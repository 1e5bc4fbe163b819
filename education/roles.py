"""The staff roles, kept in step with the models after every migrate so they exist on every install."""
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

PUBLISHABLE = ("article", "procedurenote", "faq", "page")
SUPPORTING = ("topic", "source", "image", "synonym")
# pack: instruction packs are publishable; their items and timeline rows are edited as part of the pack.
PUBLISHABLE += ("pack",)
PACK_PARTS = ("packitem", "timelineentry")
EDITOR = [
    *(f"{action}_{model}" for model in PUBLISHABLE + SUPPORTING for action in ("add", "change", "view")),
    "view_clinician",
    "view_clinic",
    "view_claimrule",
    # pack: the rows inside a pack are the pack's own text, so an editor adds, changes and removes them.
    *(f"{action}_{model}" for model in PACK_PARTS for action in ("add", "change", "delete", "view")),
]
REVIEWER = [
    *EDITOR,
    *(f"publish_{model}" for model in PUBLISHABLE),
    *(f"delete_{model}" for model in PUBLISHABLE + SUPPORTING),
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
ROLES = {
    "Editors": Q(content_type__app_label="education", codename__in=EDITOR) | OTHER_APPS_EDITOR,
    "Clinical reviewers": Q(content_type__app_label="education", codename__in=REVIEWER) | OTHER_APPS_REVIEWER,
    # Everything, including staff accounts and their roles, the sign-in log (axes) and sign-in devices (otp).
    "Administrators": Q(
        content_type__app_label__in=[
            "education", "feedback", "glossary", "auth", "reversion", "axes", "otp_totp", "otp_static"
        ]
    ),
}


def sync_roles(**kwargs):
    """Give each role exactly its permissions (post_migrate handler; also safe to call by hand)."""
    for name, permissions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(permissions))
