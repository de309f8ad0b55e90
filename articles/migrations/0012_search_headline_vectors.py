"""Search: on PostgreSQL, a tsvector of the headline alone per language, generated from the
search document's headline_<lang>, for "the query matches the headline" (articles.search).

Filtering the weighted search_vector_<lang> to its headline lexemes read each candidate's
whole document vector once more; this column is a few lexemes. Like search_vector_<lang>
(migration 0008), it is PostgreSQL's own, the model does not declare it, and a later
AlterField of SearchDocument.headline_<lang> must drop it first and add it back after.
"""

from django.db import migrations

LANGUAGES = ("ru", "kk", "en")
CONFIGS = {"ru": "russian", "kk": "simple", "en": "english"}
TABLE = "articles_searchdocument"


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(
        f"ADD COLUMN search_headline_{code} tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('{CONFIGS[code]}'::regconfig, coalesce(headline_{code}, ''))) STORED"
        for code in LANGUAGES
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")  # one rewrite of the table


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f"DROP COLUMN IF EXISTS search_headline_{code}" for code in LANGUAGES)
    schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_photo_article_indexes"),
    ]

    operations = [
        migrations.RunPython(add_vectors, drop_vectors, elidable=False),
    ]
