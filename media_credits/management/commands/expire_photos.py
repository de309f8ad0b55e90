from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef

from media_credits import renditions
from media_credits.models import Photo, Rendition


class Command(BaseCommand):
    help = (
        "Stop serving photos whose usage terms expired before today (local date): delete "
        "their renditions, files included. Idempotent; run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be removed and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            # Expired by the same date the rendition view uses (PhotoQuerySet.expired()), and
            # only those still holding files: a second run finds nothing to do.
            photo_ids = list(
                Photo.objects.expired()
                .filter(Exists(Rendition.objects.filter(photo=OuterRef("pk"))))
                .values_list("pk", flat=True)
            )
            if dry_run:
                removed = Rendition.objects.filter(photo_id__in=photo_ids).count()
            else:
                removed = renditions.remove_renditions(photo_ids)
        if dry_run:
            self.stdout.write(
                f"{len(photo_ids)} photos expired, {removed} renditions would be removed "
                "(dry run: nothing changed)"
            )
        else:
            self.stdout.write(f"{len(photo_ids)} photos expired, {removed} renditions removed")
