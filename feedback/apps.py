from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Patient feedback")

    def ready(self):
        from django.db.models.signals import post_migrate

        from education.roles import sync_roles

        # The roles include feedback's permissions, which exist only once this app's own migrate step made them.
        post_migrate.connect(sync_roles, sender=self)
