"""The restore drill: a backup restored into a fresh database and folder answers like the site.

Transactional tests: pg_dump and the sqlite3 backup see committed data only, and the
surveys run in processes of their own.
"""

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.demo import SEED_FILE
from articles.models import LANGUAGE_CODES, Article
from media_credits.models import Photo, Rendition
from newsroom import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site():
    """The demo content, its photos with their renditions made (tasks run at enqueue)."""
    call_command("demo", stdout=StringIO())
    assert Rendition.objects.count() > 0
    return backup.Site(database=backup.Database.of(), media_root=Path(settings.MEDIA_ROOT))


def count_rows(database: backup.Database, model) -> int:
    sql = f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 - a model's table
    if database.vendor == "sqlite":
        connection = sqlite3.connect(database.name)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(database.url()) as connection:
        return connection.execute(sql).fetchone()[0]


def run_sql(database: backup.Database, sql: str, params: list) -> None:
    if database.vendor == "sqlite":
        connection = sqlite3.connect(database.name)
        try:
            connection.execute(sql, params)
            connection.commit()
        finally:
            connection.close()
        return
    import psycopg

    with psycopg.connect(database.url()) as connection:
        connection.execute(sql.replace("?", "%s"), params)


def test_the_drill_restores_the_demo_site_and_finds_every_public_page_the_same(demo_site, tmp_path):
    out = StringIO()
    call_command("restore_drill", backup_dir=tmp_path / "backups", stdout=out)
    output = out.getvalue()
    assert "Restore drill passed" in output
    assert "identical" in output
    (folder,) = (tmp_path / "backups").iterdir()
    dump_name = (
        backup.SQLITE_DUMP_NAME if demo_site.database.vendor == "sqlite" else backup.PG_DUMP_NAME
    )
    assert (folder / dump_name).stat().st_size > 0
    assert backup.file_digests(folder / backup.MEDIA_NAME) == backup.file_digests(
        demo_site.media_root
    )
    # The restored copy is gone; the backup stays.
    assert not (folder / f"restored-{backup.MEDIA_NAME}").exists()
    survey = json.loads((folder / "survey-restored.json").read_text())
    pages = survey["pages"]
    ok = {url for url, answer in pages.items() if answer["status"] == 200}
    for code in ("ru", "kk", "en", "kk-latn"):
        assert f"/{code}/" in ok
        assert f"/{code}/feeds/latest.xml" in ok
        assert f"/{code}/politics/" in ok
        assert f"/{code}/feeds/politics.xml" in ok
    for code in LANGUAGE_CODES:
        for article in Article.objects.available_in(code):
            assert article.get_absolute_url(code) in ok
    seed = Article.objects.get(source_name=SEED_FILE.name)
    assert seed.get_absolute_url("ru") in ok
    assert seed.get_absolute_url("en") not in pages  # not released in English
    assert "/ru/archive/2025/09/30/" in ok
    photographer = seed.lead_photo.photographer
    assert f"/ru/photographers/{photographer.pk}-{photographer.slug}/" in ok
    assert {"/sitemap.xml", "/sitemap-news.xml", "/robots.txt"} <= ok
    # Every stored rendition file a page shows was served by the restored site.
    served = {url: answer for url, answer in survey["media"].items() if "/renditions/" in url}
    assert len(served) >= Rendition.objects.filter(photo__in=[seed.lead_photo]).count()
    assert all(answer["file_status"] == 200 for answer in served.values())
    assert survey["rows"]["articles.Article"] == Article.objects.count()
    assert f"{len(pages)} pages" in output


def test_a_restore_that_differs_is_reported_with_what_differs(demo_site, tmp_path):
    folder = tmp_path / "backup"
    dump = backup.make_backup(demo_site, folder)
    restored = backup.restore_backup(
        dump, demo_site, folder, name=f"{Path(demo_site.database.name).stem}_tamper"
    )
    try:
        assert count_rows(restored.database, Article) == Article.objects.count() == 2
        assert count_rows(restored.database, Photo) == Photo.objects.count() == 6
        assert count_rows(restored.database, Rendition) == Rendition.objects.count()
        # One rendition file damaged, one headline changed, in the restored copy only.
        rendition = Rendition.objects.order_by("pk").first()
        damaged = restored.media_root / rendition.file.name
        data = bytearray(damaged.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
        seed = Article.objects.get(source_name=SEED_FILE.name)
        run_sql(
            restored.database,
            f'UPDATE "{Article._meta.db_table}" SET headline_ru = ? WHERE id = ?',  # noqa: S608
            ["Другой заголовок", seed.pk],
        )
        report = backup.check_restore(demo_site, restored, folder)
    finally:
        backup.drop_database(restored.database)
    differences = "\n".join(report.differences)
    assert f"media/{rendition.file.name}: different bytes" in differences
    rendition_url = f"{settings.MEDIA_URL}{rendition.file.name}"
    assert f"{rendition_url}: original 200; restored 200 (different bytes)" in differences
    assert f"{seed.get_absolute_url('ru')}: original 200" in differences
    # The other articles' pages are untouched.
    trilingual = Article.objects.exclude(pk=seed.pk).get()
    assert trilingual.get_absolute_url("en") + ":" not in differences
    assert report.pages > 50


def test_a_restored_folder_missing_a_file_is_reported(tmp_path):
    original, restored = tmp_path / "a", tmp_path / "b"
    for folder in (original, restored):
        (folder / "photos").mkdir(parents=True)
        (folder / "photos" / "same.jpg").write_bytes(b"same")
    (original / "photos" / "lost.jpg").write_bytes(b"lost")
    (restored / "photos" / "extra.jpg").write_bytes(b"extra")
    assert backup.compare_files(backup.file_digests(original), backup.file_digests(restored)) == [
        "media/photos/extra.jpg: only in the restored folder",
        "media/photos/lost.jpg: missing from the restored folder",
    ]
