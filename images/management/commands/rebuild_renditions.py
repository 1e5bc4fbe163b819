"""Make every image's renditions again from its stored original, e.g. after the rendition widths change."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from images.models import Image


class Command(BaseCommand):
    help = (
        "Rebuild the responsive renditions (WebP and JPEG/PNG at each width) of every image from its stored "
        "original. Old rendition files are deleted once the new ones are saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these image ids (default: all images).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be rebuilt; change nothing.")

    def handle(self, *args, ids=(), dry_run=False, verbosity=1, **options):
        queryset = Image.objects.order_by("pk")
        if ids:
            queryset = queryset.filter(pk__in=ids)
        count, written = 0, []
        with transaction.atomic():
            for image in queryset.iterator():
                if verbosity >= 2:
                    self.stdout.write(f"Image {image.pk}: {image.file.name}")
                if not dry_run:
                    try:
                        image.rebuild_renditions()
                    except (OSError, ValidationError) as error:
                        # The transaction rolls back to the old renditions, so the new files would be orphans.
                        for name in written:
                            image.file.storage.delete(name)
                        message = f"Image {image.pk} ({image.file.name}) could not be read: {error}"
                        raise CommandError(message) from error
                    written += [rendition["name"] for rendition in image.renditions]
                count += 1
        if verbosity:
            verb = "Would rebuild" if dry_run else "Rebuilt"
            self.stdout.write(self.style.SUCCESS(f"{verb} the renditions of {count} image(s)."))
