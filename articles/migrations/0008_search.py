"""Search: a search document per article (headline and plain text per language); on
PostgreSQL a weighted tsvector column per language, generated from them, with a GIN index.

The generated columns are PostgreSQL's own: the model does not declare them (SQLite has
none); articles.search reads them. Their configurations are articles.search.CONFIGS.
PostgreSQL refuses to change the type of a column a generated column reads: a later
AlterField of a headline_<lang> or text_<lang> of SearchDocument must drop
search_vector_<lang> (and its index) first and add them back after.
"""

import html
import re
import unicodedata

import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = ("ru", "kk", "en")
CONFIGS = {"ru": "russian", "kk": "simple", "en": "english"}
TABLE = "articles_searchdocument"

_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|blockquote|br)(?:\s[^>]*)?/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


# A copy of articles.search.document_text as it was when this migration was written.
def _clean_text(text):
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category in ("Cc", "Cs", "Co") else char)
    return _SPACE.sub(" ", "".join(kept)).strip()


def _plain_text(body):
    if not body:
        return ""
    return _clean_text(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", body))))


def _document_text(standfirst, sections):
    parts = [_clean_text(standfirst or "")]
    for subhead, body in sections:
        parts.append(_clean_text(subhead or ""))
        parts.append(_plain_text(body))
    return "\n".join(part for part in parts if part)


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    for article in Article.objects.all().iterator():
        sections = list(Section.objects.filter(article=article).order_by("position", "id"))
        fields = {}
        for code in LANGUAGES:
            fields[f"headline_{code}"] = _clean_text(getattr(article, f"headline_{code}") or "")
            fields[f"text_{code}"] = _document_text(
                getattr(article, f"standfirst_{code}"),
                [(getattr(s, f"subhead_{code}"), getattr(s, f"body_{code}")) for s in sections],
            )
        SearchDocument.objects.update_or_create(article_id=article.pk, defaults=fields)


def vector_sql(code):
    config = CONFIGS[code]
    return (
        f"setweight(to_tsvector('{config}'::regconfig, coalesce(headline_{code}, '')), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, coalesce(text_{code}, '')), 'B')"
    )


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in LANGUAGES:
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN search_vector_{code} tsvector "
            f"GENERATED ALWAYS AS ({vector_sql(code)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX article_search_{code} ON {TABLE} USING GIN (search_vector_{code})"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_search_{code}")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector_{code}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_workflow_state_and_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("headline_ru", models.TextField(blank=True, default="")),
                ("headline_kk", models.TextField(blank=True, default="")),
                ("headline_en", models.TextField(blank=True, default="")),
                ("text_ru", models.TextField(blank=True, default="")),
                ("text_kk", models.TextField(blank=True, default="")),
                ("text_en", models.TextField(blank=True, default="")),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        migrations.RunPython(add_vectors, drop_vectors),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
