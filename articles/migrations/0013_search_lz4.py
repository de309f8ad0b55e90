"""Search: on PostgreSQL 14 and later built with lz4, the search documents' texts and
vectors are compressed with lz4 instead of pglz, and the existing ones rewritten so.

A results page decompresses each candidate's vector (match and rank) and each shown
article's text (where its snippet is): lz4 decompresses several times faster (a results
page's queries about 3.5 ms faster at 100,000 articles), and these columns are read far
more often than written. Where lz4 is not available, nothing changes.

The rewrite makes each document's three vectors again (generated columns): about 3.5 ms a
document on a small server, so minutes for a large archive. It runs in batches, each
committed on its own (the migration is not atomic), so articles can still be saved
meanwhile; a migration stopped half-way is run again and rewrites what is left.
"""

from django.db import migrations

LANGUAGES = ("ru", "kk", "en")
TABLE = "articles_searchdocument"
BATCH = 500
COLUMNS = [f"text_{code}" for code in LANGUAGES] + [f"search_vector_{code}" for code in LANGUAGES]


def _lz4_available(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _recompress(schema_editor, method: str) -> None:
    connection = schema_editor.connection
    if not _lz4_available(connection):
        return
    alter = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS)
    schema_editor.execute(f"ALTER TABLE {TABLE} {alter}")
    # A value is compressed when it is written: the texts are written again (and their
    # vectors made again with them), those not yet so compressed, a batch at a time.
    rewrite = ", ".join(f"text_{code} = text_{code} || ''" for code in LANGUAGES)
    stale = " OR ".join(
        f"coalesce(pg_column_compression(text_{code}), %s) <> %s" for code in LANGUAGES
    )
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {TABLE} WHERE article_id > %s"  # noqa: S608
                " ORDER BY article_id LIMIT %s",
                [last, BATCH],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return
            cursor.execute(
                f"UPDATE {TABLE} SET {rewrite}"  # noqa: S608
                f" WHERE article_id = ANY(%s) AND ({stale})",
                [ids, *[method, method] * len(LANGUAGES)],
            )
        last = ids[-1]


def to_lz4(apps, schema_editor):
    _recompress(schema_editor, "lz4")


def to_pglz(apps, schema_editor):
    _recompress(schema_editor, "pglz")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0012_search_headline_vectors"),
    ]

    operations = [
        migrations.RunPython(to_lz4, to_pglz, elidable=False),
    ]
