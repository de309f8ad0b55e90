"""A throwaway site for the photo benchmarks: Django on a SQLite database and a media
directory of their own, in ``work`` (the project's settings, DEBUG on, local files)."""

import os
from pathlib import Path


def setup_django(work: Path, **environ: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="WARNING",
        **environ,
    )
    os.environ.pop("S3_BUCKET", None)
    import django

    django.setup()
