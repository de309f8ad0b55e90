import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0004_gallery_roles")]
AFTER = [("articles", "0005_per_language_import_digests")]


@pytest.mark.django_db(transaction=True)
def test_the_single_import_fingerprint_becomes_the_russian_one():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Article = old_apps.get_model("articles", "Article")
    imported = Article.objects.create(headline_ru="Импорт", source_digest="abc123")
    typed = Article.objects.create(headline_ru="Набрано в админке")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    Article = new_apps.get_model("articles", "Article")
    assert Article.objects.get(pk=imported.pk).source_digests == {"ru": "abc123"}
    assert Article.objects.get(pk=typed.pk).source_digests == {}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
