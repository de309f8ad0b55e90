from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import importer


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import a plain-text article in the house format (date line, headline, paragraphs)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--language", default="ru", choices=[code for code, _name in settings.LANGUAGES]
        )
        parser.add_argument("--rubric", help="slug of the rubric to file the article under")
        parser.add_argument("--publish", action="store_true", help="publish after importing")
        parser.add_argument("--into", type=int, metavar="ID", help="fill a language of article ID")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would happen; change nothing"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            parsed = importer.parse_file(path)
            with transaction.atomic():
                result = importer.import_article(
                    parsed,
                    source_name=path.name,
                    language=options["language"],
                    rubric_slug=options["rubric"],
                    into=options["into"],
                    publish=options["publish"],
                )
                summary = self._summary(result, options)
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run, nothing saved: " + summary)
            return
        except importer.ImportError_ as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(summary)

    def _summary(self, result, options) -> str:
        article, parsed = result.article, result.parsed
        language = options["language"]
        action = "created" if result.created else "updated"
        url = article.get_absolute_url(language)
        lines = [
            f"Article {article.pk} {action} ({language}): “{parsed.headline}”, "
            f"{len(parsed.sections)} sections, {parsed.paragraph_count} paragraphs, "
            f"status {article.status}, public URL {url}"
        ]
        for match in result.photographers:
            if match.photographer is None:
                lines.append(f"  credit “{match.name.credit_form}”: agency credit, no photographer")
                continue
            verb = (
                "would create"
                if options["dry_run"] and match.created
                else ("created" if match.created else "reused")
            )
            flag = ""
            if match.photographer.is_name_to_confirm:
                flag = (
                    " (name to confirm; it declines back to the credit form)"
                    if match.name.is_guess_confirmed
                    else " (name to confirm; kept as written, no nominative found)"
                )
            lines.append(
                f"  photographer {verb}: {match.photographer.name_ru} "
                f"(credit “{match.name.credit_form}”){flag}"
            )
        return "\n".join(lines)
