from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Patient education")

    def ready(self):
        from search import registry as search_registry

        from . import cache, registry
        from .roles import sync_roles
        from .rules import seed_after_flush
        from .translation import remember_resolution_orders

        # Translated fields read at a fifth of modeltranslation's cost (education/translation.py says how).
        remember_resolution_orders()

        # The searched types, and how search's own changes reach the page cache: search never imports this app.
        registry.register_search()
        search_registry.configure(
            results_url_name="education:search",
            lists_version=lambda: cache.read_versions([cache.LISTS])[0],
            lists_changed=lambda: cache.bump([cache.LISTS]),
        )

        # Runs after Django has created the permissions, which a data migration cannot rely on; after every app's
        # migrations, since roles also hold permissions of apps listed after this one (axes, otp).
        post_migrate.connect(sync_roles, dispatch_uid="education.sync_roles")

        from django.apps import apps

        # The images app's picture is content too: its text is cleaned and its changes clear the page cache.
        image = apps.get_model("images", "Image")
        # Search synonyms change search results: their text is cleaned and their changes clear the lists.
        synonym = apps.get_model("search", "Synonym")

        # Every text field of every model here is cleaned on save, whoever saves (forms, import, commands, shell).
        for model in [*self.get_models(), image, synonym]:
            pre_save.connect(_clean_text_on_save, sender=model)
        # A flushed test database loses the rules migration 0010 loaded: load the shipped ones again.
        post_migrate.connect(seed_after_flush, sender=self)

        cache.connect_signals([*self.get_models(include_auto_created=True), image, synonym])


def _clean_text_on_save(sender, instance, **kwargs):
    from .text import clean_text_fields

    clean_text_fields(instance)
