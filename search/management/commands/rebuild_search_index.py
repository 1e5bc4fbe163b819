"""Rebuild the site search index from every registered kind of content (search/registry.py), in every language."""
from django.conf import settings
from django.core.management.base import BaseCommand

from search.engine import kinds, rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from scratch, in one transaction. The index follows edits by itself; run this "
        "after loading data or migrating a database that already has content, or after a bulk update()."
    )

    def handle(self, *args, verbosity=1, **options):
        counts = rebuild_index()
        if verbosity:
            registered = kinds()
            described = ", ".join(
                f"{count} {registered[name].model._meta.verbose_name_plural}" for name, count in counts.items()
            )
            self.stdout.write(f"Search index rebuilt: {described}, in {len(settings.LANGUAGES)} languages.")
