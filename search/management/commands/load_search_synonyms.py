"""Add the shipped dermatology synonyms (search/data/search_synonyms_<language>.txt) to the admin's list."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from search.engine import DATA
from search.models import Synonym, split_terms
from search.registry import SETTINGS


def shipped_groups(language):
    """The shipped groups of `language`, one a line, as their tidied terms."""
    path = DATA / f"search_synonyms_{language}.txt"
    if not path.exists():
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [", ".join(split_terms(line)) for line in lines if line and not line.startswith("#")]


class Command(BaseCommand):
    help = (
        "Add the shipped search synonyms that the admin's list lacks, per language. Groups editors changed or "
        "deleted stay as they are unless their exact text is missing; running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be added, add nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        added = {}
        for language, _name in settings.LANGUAGES:
            present = {
                ", ".join(split_terms(terms)).casefold()
                for terms in Synonym.objects.filter(language=language).values_list("terms", flat=True)
            }
            missing = [group for group in shipped_groups(language) if group.casefold() not in present]
            added[language] = len(missing)
            if not dry_run:
                Synonym.objects.bulk_create(Synonym(language=language, terms=group) for group in missing)
                if missing:
                    SETTINGS.lists_changed()  # bulk_create sends no post_save: the next search reads them again
        if verbosity:
            counts = ", ".join(f"{language} {count}" for language, count in added.items())
            verb = "Would add" if dry_run else "Added"
            self.stdout.write(f"{verb} {sum(added.values())} synonym groups ({counts}).")
