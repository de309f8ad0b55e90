from django.core.management.base import BaseCommand

from articles.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo content (rubrics, one user per role, demo articles); safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="prefix for the printed addresses"
        )

    def handle(self, *args, **options):
        report = load_demo()
        base = options["base_url"].rstrip("/")
        self.stdout.write(f"Demo accounts (log in at {base}/admin/):")
        for user in report.users:
            self.stdout.write(
                f"  {user.role:<13} login: {user.username:<13} password: {user.password}"
            )
        self.stdout.write(f"Seed article:       {base}{report.seed_article.get_absolute_url('ru')}")
        for code in ("ru", "kk", "en"):
            self.stdout.write(
                f"Trilingual article: {base}{report.trilingual_article.get_absolute_url(code)}"
            )
        self.stdout.write(
            "Demo content: "
            + (", ".join(report.created) + " created" if report.created else "already loaded")
        )
