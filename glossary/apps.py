from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = _("Glossary")

    def ready(self):
        from .marking import glossary_changed
        from .models import Term

        # An edited term changes every page that uses it: forget the marked texts and the cached pages at once.
        post_save.connect(glossary_changed, sender=Term)
        post_delete.connect(glossary_changed, sender=Term)

        from django.db.models.signals import post_migrate

        from education.roles import sync_roles

        # The roles include the glossary's permissions, made by this app's own migrate step.
        post_migrate.connect(sync_roles, sender=self)
