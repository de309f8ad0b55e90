from django.db import migrations

from newsroom import roles

OWN_PHOTOS = [
    "media_credits.view_photo", "media_credits.add_photo",
    "media_credits.change_photo", "media_credits.delete_photo",
    "media_credits.view_photographer",
]

GRANTS = {
    # Photographers upload and edit their own photos; the library of others stays hidden.
    roles.PHOTOGRAPHER: OWN_PHOTOS,
    # Reporters see and choose any photo and edit their own uploads.
    roles.REPORTER: OWN_PHOTOS + ["media_credits.choose_photo", "media_credits.add_photographer"],
    roles.EDITOR: OWN_PHOTOS + [
        "media_credits.choose_photo", "media_credits.change_any_photo",
        "media_credits.add_photographer", "media_credits.change_photographer",
        "media_credits.delete_photographer",
    ],
}


def forwards(apps, schema_editor):
    roles.grant(apps, GRANTS)


def backwards(apps, schema_editor):
    roles.revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("media_credits", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
