import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("media_credits", "0003_public_from_and_version")]
AFTER = [("media_credits", "0004_photo_updated_by_and_at")]


@pytest.mark.django_db(transaction=True)
def test_existing_photos_were_last_changed_by_their_upload():
    uploader = get_user_model().objects.create_user("uploader")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Photo = executor.loader.project_state(BEFORE).apps.get_model("media_credits", "Photo")
    photo = Photo.objects.create(
        image="photos/x.jpg",
        width=1,
        height=1,
        image_format="JPEG",
        credit_ru="Reuters",
        uploaded_by_id=uploader.pk,
    )
    uploaded_at = dt.datetime(2025, 9, 30, 10, 0, tzinfo=dt.UTC)
    Photo.objects.filter(pk=photo.pk).update(uploaded_at=uploaded_at)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        Photo = executor.loader.project_state(AFTER).apps.get_model("media_credits", "Photo")
        migrated = Photo.objects.get(pk=photo.pk)
        assert migrated.updated_at == uploaded_at
        assert migrated.updated_by_id == uploader.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
