from django.db import migrations

from newsroom import roles

ARTICLE_EDITING = [
    "articles.view_article", "articles.add_article", "articles.change_article",
    "articles.view_section", "articles.add_section", "articles.change_section",
    "articles.delete_section",
    "articles.view_articleauthor", "articles.add_articleauthor",
    "articles.change_articleauthor", "articles.delete_articleauthor",
    "articles.view_author", "articles.view_rubric",
]

GRANTS = {
    roles.REPORTER: ARTICLE_EDITING + ["articles.add_author"],
    roles.EDITOR: ARTICLE_EDITING + [
        "articles.delete_article", "articles.publish_article",
        "articles.add_author", "articles.change_author", "articles.delete_author",
        "articles.add_rubric", "articles.change_rubric", "articles.delete_rubric",
    ],
    # Photographers have no permission on articles.
    roles.PHOTOGRAPHER: [],
}


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
