from django.db import migrations, models


def carry_over(apps, schema_editor):
    """The single fingerprint was the Russian text's: keep it, so re-imports still work."""
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(source_digest="").only("pk", "source_digest"):
        Article.objects.filter(pk=article.pk).update(source_digests={"ru": article.source_digest})


def carry_back(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "source_digests"):
        digest = (article.source_digests or {}).get("ru", "")
        Article.objects.filter(pk=article.pk).update(source_digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_gallery_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="source_digests",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(
            model_name="article",
            name="source_digest",
        ),
    ]
