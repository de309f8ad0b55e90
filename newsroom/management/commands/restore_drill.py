import argparse
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import setup_test_environment

from newsroom import backup

#: Differences printed before "… and N more".
SHOWN_DIFFERENCES = 50


class Command(BaseCommand):
    help = (
        "Back up the database and the media folder, restore both into a fresh database and "
        "folder, and check that every public page and photo file answers the same."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup-dir",
            type=Path,
            default=Path(tempfile.gettempdir()) / "newsroom-restore-drill",
            help="where the timestamped backup folder is made (kept after the drill)",
        )
        parser.add_argument(
            "--keep-restored",
            action="store_true",
            help="keep the restored database and media folder (printed) for inspection",
        )
        # Internal: the drill runs this in a process whose settings point at one site.
        parser.add_argument("--survey", type=Path, help=argparse.SUPPRESS)

    def handle(self, *args, backup_dir, keep_restored, survey, **options):
        if survey:
            return self.survey(survey)
        try:
            report, folder = self.drill(backup_dir, keep_restored=keep_restored)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{report.pages} pages, {report.renditions} rendition URLs, {report.files} media "
            f"files, {report.rows} rows compared"
        )
        if report.differences:
            shown = report.differences[:SHOWN_DIFFERENCES]
            more = len(report.differences) - len(shown)
            lines = "\n".join(f"  {line}" for line in shown)
            if more:
                lines += f"\n  … and {more} more"
            raise CommandError(
                f"Restore drill FAILED: {summary}; {len(report.differences)} differences:\n"
                f"{lines}\nBackup kept in {folder}"
            )
        self.stdout.write(f"Restore drill passed: {summary}, identical. Backup in {folder}")

    def drill(self, backup_dir: Path, *, keep_restored: bool):
        database = backup.Database.of()
        with_media = not backup.media_on_object_storage()
        if not with_media:
            self.stdout.write(
                "Media is on object storage: out of the drill's scope (the bucket's "
                "versioning is its backup); the restored site reads the same bucket."
            )
        original = backup.Site(database=database, media_root=Path(settings.MEDIA_ROOT))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = backup_dir / f"backup-{stamp}"
        dump = backup.make_backup(original, folder, with_media=with_media)
        self.stdout.write(f"Backed up {database.vendor} database and media into {folder}")
        restored_name = f"{Path(database.name).stem}_drill_{stamp}".lower()[:63]
        restored = backup.restore_backup(
            dump, original, folder, name=restored_name, with_media=with_media
        )
        try:
            report = backup.check_restore(original, restored, folder, with_media=with_media)
        finally:
            if keep_restored:
                self.stdout.write(
                    f"Restored copy kept: DATABASE_URL={restored.database.url()} "
                    f"MEDIA_ROOT={restored.media_root}"
                )
            else:
                backup.drop_database(restored.database)
                if with_media:
                    shutil.rmtree(restored.media_root, ignore_errors=True)
        return report, folder

    def survey(self, output: Path) -> None:
        from newsroom.survey import survey_site

        # Lets the test client's host in and keeps e-mail in memory.
        setup_test_environment()
        output.write_text(json.dumps(survey_site(), indent=0, sort_keys=True))
