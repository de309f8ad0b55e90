from django.db import migrations

from newsroom import roles

GALLERY = [
    "articles.view_galleryphoto", "articles.add_galleryphoto",
    "articles.change_galleryphoto", "articles.delete_galleryphoto",
]

GRANTS = {roles.REPORTER: GALLERY, roles.EDITOR: GALLERY}


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_photos"), ("media_credits", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
