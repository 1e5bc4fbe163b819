from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Patient education")

    def ready(self):
        from . import search
        from .roles import sync_roles
        from .rules import seed_after_flush

        search.connect_signals()

        # Runs after Django has created the permissions, which a data migration cannot rely on.
        post_migrate.connect(sync_roles, sender=self)
        # A flushed test database loses the rules migration 0008 loaded: load the shipped ones again.
        post_migrate.connect(seed_after_flush, sender=self)

        from .cache import content_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed)
