"""Backups of the database and the media folder, and their restore into fresh copies.

Used by ``manage.py restore_drill``: a dump is useful only once it has been restored and
the restored site answers like the original (newsroom.survey compares the two).

PostgreSQL is dumped with ``pg_dump -Fc`` and restored with ``pg_restore --no-owner`` into
a database created for it; pg_dump must be the server's major version (Debian:
postgresql-client-15 for PostgreSQL 15). SQLite is copied with the sqlite3 online backup
API, consistent while the site writes, and needs nothing beyond Python. Media on
S3-compatible storage is out of scope: the bucket's versioning is its backup (README).
"""

import dataclasses
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

#: The names a dump is written under in a backup folder.
PG_DUMP_NAME = "database.dump"
SQLITE_DUMP_NAME = "database.sqlite3"
MEDIA_NAME = "media"


class BackupError(Exception):
    """A dump or a restore could not be made (the message says why and what to do)."""


@dataclass(frozen=True)
class Database:
    """A database the site can run on: its engine and where it is."""

    vendor: str  # "postgresql" or "sqlite"
    name: str  # database name, or the SQLite file's path
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: tuple[tuple[str, str], ...] = ()  # connection OPTIONS (sslmode, options, ...)

    @classmethod
    def of(cls, alias: str = "default") -> "Database":
        """The database behind a connection alias (the test database while tests run)."""
        connection = connections[alias]
        params = connection.settings_dict
        if connection.vendor not in {"postgresql", "sqlite"}:
            raise BackupError(f"no backup for {connection.vendor} databases")
        return cls(
            vendor=connection.vendor,
            name=str(params["NAME"]),
            host=str(params.get("HOST") or ""),
            port=str(params.get("PORT") or ""),
            user=str(params.get("USER") or ""),
            password=str(params.get("PASSWORD") or ""),
            options=tuple(
                (key, str(value))
                for key, value in sorted((params.get("OPTIONS") or {}).items())
                if isinstance(value, str | int) and not isinstance(value, bool)
            ),
        )

    def url(self) -> str:
        """A DATABASE_URL for a process that should run on this database."""
        if self.vendor == "sqlite":
            return f"sqlite:///{Path(self.name).resolve()}"
        quote = urllib.parse.quote
        credentials = quote(self.user, safe="")
        if self.password:
            credentials += ":" + quote(self.password, safe="")
        # A Unix socket's directory goes percent-encoded in the host part.
        host = quote(self.host, safe="") if self.host.startswith("/") else self.host
        host = (host or "localhost") + (f":{self.port}" if self.port else "")
        # %20, not +, for spaces: libpq reads the URL too (psql, psycopg).
        query = urllib.parse.urlencode(self.options, quote_via=urllib.parse.quote)
        return f"postgres://{credentials}@{host}/{quote(self.name, safe='')}" + (
            f"?{query}" if query else ""
        )

    def client_env(self) -> dict[str, str]:
        """The environment of PostgreSQL's command-line clients (no password on argv)."""
        env = {**os.environ, "PGHOST": self.host or "localhost", "PGUSER": self.user}
        if self.port:
            env["PGPORT"] = self.port
        if self.password:
            env["PGPASSWORD"] = self.password
        if sslmode := dict(self.options).get("sslmode"):
            env["PGSSLMODE"] = sslmode
        return env


def _run(command: list[str], *, env: dict | None = None) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{' '.join(command[:2])} failed: {result.stderr.strip()}")


def check_pg_dump_version(*, alias: str = "default") -> None:
    """Refuse a pg_dump whose major version differs from the server's.

    An older pg_dump refuses a newer server; a newer one writes archives an older
    pg_restore cannot read. Either way the nightly backup should fail loudly here.
    """
    try:
        output = subprocess.run(
            ["pg_dump", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise BackupError(
            "pg_dump is not installed (Debian: apt-get install postgresql-client)"
        ) from exc
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    client = int(found[1]) if found else 0
    server = connections[alias].pg_version // 10000
    if client != server:
        raise BackupError(
            f"pg_dump {client} cannot back up a PostgreSQL {server} server faithfully: "
            f"install postgresql-client-{server}"
        )


def dump_database(database: Database, folder: Path) -> Path:
    """Write a consistent dump of ``database`` into ``folder``; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    if database.vendor == "sqlite":
        target = folder / SQLITE_DUMP_NAME
        _sqlite_copy(Path(database.name), target)
        return target
    target = folder / PG_DUMP_NAME
    # -Fc: compressed, restorable table by table; one snapshot, so consistent while the
    # site writes.
    _run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(target), database.name],
        env=database.client_env(),
    )
    return target


def restore_database(dump: Path, database: Database, *, name: str) -> Database:
    """Restore ``dump`` (made from ``database``) into a new database called ``name``.

    For SQLite ``name`` is the new file's path. The new database must not exist yet.
    """
    if database.vendor == "sqlite":
        target = Path(name)
        if target.exists():
            raise BackupError(f"{target} exists already")
        _sqlite_copy(dump, target)
        return dataclasses.replace(database, name=str(target))
    restored = dataclasses.replace(database, name=name)
    env = restored.client_env()
    _run(["createdb", "--template", "template0", name], env=env)
    try:
        # --no-owner: the restoring role owns everything, as on a fresh server.
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name,
             str(dump)],
            env=env,
        )  # fmt: skip
    except BackupError:
        drop_database(restored)
        raise
    return restored


def drop_database(database: Database) -> None:
    """Delete a restored database (a file for SQLite)."""
    if database.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(database.name + suffix).unlink(missing_ok=True)
        return
    # --force: the survey's processes may have left a connection behind for a moment.
    _run(["dropdb", "--if-exists", "--force", database.name], env=database.client_env())


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    # The online backup API copies page by page under SQLite's own locking: a consistent
    # copy even while the site writes (a plain file copy may catch half a transaction).
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def copy_media(source: Path, target: Path) -> int:
    """Copy the media folder ``source`` to ``target`` (new); returns the number of files."""
    if target.exists():
        raise BackupError(f"{target} exists already")
    if not source.is_dir():
        # A site without any upload yet has no media folder: an empty backup.
        target.mkdir(parents=True)
        return 0
    shutil.copytree(source, target, symlinks=False)
    return sum(1 for path in target.rglob("*") if path.is_file())


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by its path relative to it ('/' separated)."""
    digests = {}
    if not folder.is_dir():
        return digests
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            digests[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return digests


def compare_files(original: dict[str, str], restored: dict[str, str]) -> list[str]:
    """What differs between two folders' file_digests(), one line per file."""
    differences = []
    for name in sorted(original.keys() | restored.keys()):
        if name not in restored:
            differences.append(f"media/{name}: missing from the restored folder")
        elif name not in original:
            differences.append(f"media/{name}: only in the restored folder")
        elif original[name] != restored[name]:
            differences.append(f"media/{name}: different bytes")
    return differences


def media_on_object_storage() -> bool:
    """True when media lives in an S3-compatible bucket rather than under MEDIA_ROOT."""
    backend = settings.STORAGES["default"]["BACKEND"]
    return backend != "django.core.files.storage.FileSystemStorage"


# --- The restore drill: back up, restore into fresh copies, compare ------------------------


@dataclass(frozen=True)
class Site:
    """A database and a media folder the site can run on."""

    database: Database
    media_root: Path


@dataclass
class DrillReport:
    pages: int
    renditions: int
    files: int
    rows: int
    differences: list[str]


def make_backup(site: Site, folder: Path, *, with_media: bool = True) -> Path:
    """Dump the database and copy the media folder into ``folder``; returns the dump."""
    if site.database.vendor == "postgresql":
        check_pg_dump_version()
    dump = dump_database(site.database, folder)
    if with_media:
        copy_media(site.media_root, folder / MEDIA_NAME)
    return dump


def restore_backup(
    dump: Path, site: Site, folder: Path, *, name: str, with_media: bool = True
) -> Site:
    """Restore a backup made by make_backup() from ``site`` into a new database and folder.

    ``name`` is the new PostgreSQL database's name (a file in ``folder`` for SQLite).
    Without media (object storage) the restored site reads the original's media.
    """
    if site.database.vendor == "sqlite":
        name = str(folder / f"{name}.sqlite3")
    database = restore_database(dump, site.database, name=name)
    media_root = site.media_root
    if with_media:
        media_root = folder / f"restored-{MEDIA_NAME}"
        try:
            copy_media(dump.parent / MEDIA_NAME, media_root)
        except BaseException:
            drop_database(database)
            raise
    return Site(database=database, media_root=media_root)


def survey_command(site: Site, output: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment of a process that surveys ``site`` into ``output``.

    A process of its own: the settings (database, media folder) are read at import.
    """
    env = {
        **os.environ,
        # The module this process was started with (override_settings hides its name).
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE")
        or settings.SETTINGS_MODULE,
        "DATABASE_URL": site.database.url(),
        "MEDIA_ROOT": str(site.media_root),
        # Real renders, not cached copies; no cache shared between the two sites.
        "PAGE_CACHE_SECONDS": "0",
        "DB_CONN_MAX_AGE": "0",
    }
    env.pop("REDIS_URL", None)
    manage = Path(settings.BASE_DIR) / "manage.py"
    command = [sys.executable, str(manage), "restore_drill", "--survey", str(output)]
    return command, env


def survey_both(original: Site, restored: Site, folder: Path) -> tuple[dict, dict]:
    """Survey both sites at once, each in a process of its own; returns both surveys."""
    outputs = [folder / "survey-original.json", folder / "survey-restored.json"]
    processes = []
    for site, output in zip((original, restored), outputs, strict=True):
        command, env = survey_command(site, output)
        log = output.with_suffix(".log").open("w")
        processes.append(
            (subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT), log)
        )
    for process, log in processes:
        process.wait()
        log.close()
    for (process, _log), output in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            raise BackupError(
                f"the survey of {output.stem.removeprefix('survey-')} site failed: "
                f"{output.with_suffix('.log').read_text()[-2000:]}"
            )
    return tuple(json.loads(output.read_text()) for output in outputs)


def check_restore(original: Site, restored: Site, folder: Path, *, with_media: bool = True):
    """Compare a restored site with its original: every media file, every public answer."""
    from newsroom.survey import compare_surveys

    differences = []
    files = 0
    if with_media:
        before = file_digests(original.media_root)
        files = len(before)
        # Before the surveys: a page's first request may make a missing rendition.
        differences += compare_files(before, file_digests(restored.media_root))
    first, second = survey_both(original, restored, folder)
    differences += compare_surveys(first, second, media=with_media)
    return DrillReport(
        pages=len(first["pages"]),
        renditions=len(first["renditions"]),
        files=files,
        rows=sum(first["rows"].values()),
        differences=differences,
    )
