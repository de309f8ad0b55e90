"""A photo the worker has not finished (pending) or refused is not offered, not publishable,
and never public; the worker's task is idempotent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from articles import workflow
from articles.models import Article
from media_credits import renditions, tasks, upload
from media_credits.models import Photo
from media_credits.upload import SharedFields
from tests.factories import ArticleFactory
from tests.media_credits.conftest import IMAGES, pillow_file, sample_file

pytestmark = pytest.mark.django_db


def pending_photo(uploaded=None, **shared) -> Photo:
    """A photo as the upload request leaves it: stored, checked cheaply, not processed."""
    fields = {"language": "ru", "credit": "Reuters", **shared}
    photo = upload.accept_upload(
        uploaded or pillow_file(size=(2000, 1000)), shared=SharedFields(**fields), user=None
    )
    photo.alt_text_ru = "Описание"
    photo.save()
    assert photo.state == Photo.State.PENDING
    return photo


def test_publishing_an_article_with_a_pending_photo_is_refused_until_it_is_ready(editor):
    photo = pending_photo()
    article = ArticleFactory(status=Article.Status.DRAFT, lead_photo=photo)

    with translation.override("en"), pytest.raises(workflow.TransitionError) as refused:
        workflow.apply(article, "publish", user=editor)
    assert "is still being processed; try again once it is ready" in str(refused.value)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    upload.process_upload(photo.pk)
    article = Article.objects.get(pk=article.pk)
    workflow.apply(article, "publish", user=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_publishing_an_article_with_a_refused_photo_names_the_reason(editor):
    photo = pending_photo(sample_file(IMAGES / "truncated.jpg"))
    upload.process_upload(photo.pk)
    article = ArticleFactory(status=Article.Status.DRAFT, lead_photo=photo)

    with translation.override("en"), pytest.raises(workflow.TransitionError) as refused:
        workflow.apply(article, "publish", user=editor)
    assert "was refused: The image is corrupt or truncated." in str(refused.value)


def test_a_pending_photo_is_never_public_nor_served(client, editor):
    photo = pending_photo()
    # Even with the stored state saying a public article shows it.
    Photo.objects.filter(pk=photo.pk).update(public_from=photo.uploaded_at)
    photo.refresh_from_db()

    assert not photo.is_shown_publicly()
    assert not Photo.objects.shown_publicly().filter(pk=photo.pk).exists()
    url = renditions.rendition_url(photo, width=480, image_format="jpeg")
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 404  # not even staff: the file is not cleaned yet
    assert not photo.renditions.exists()

    upload.process_upload(photo.pk)
    photo.refresh_from_db()
    assert photo.is_shown_publicly()
    assert Photo.objects.shown_publicly().filter(pk=photo.pk).exists()


def test_the_article_photo_pickers_offer_only_ready_photos(client, editor):
    ready = upload.save_upload(
        pillow_file("ready.jpg"),
        shared=SharedFields(language="ru", caption="Акорда", credit="ТАСС"),
        user=None,
    )
    waiting = pending_photo(caption="Акорда")
    refused = pending_photo(sample_file(IMAGES / "truncated.jpg"), caption="Акорда")
    upload.process_upload(refused.pk)
    client.force_login(editor)

    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "lead_photo", "term": ""},
    )

    assert found.status_code == 200
    assert [int(r["id"]) for r in found.json()["results"]] == [ready.pk]
    picker = reverse("admin:media_credits_photo_picker")
    assert client.get(picker, {"photo": waiting.pk}).status_code == 200  # refused: not a choice
    assert client.get(picker, {"photo": ready.pk}).status_code == 302
    # The library itself still lists every upload, with its state.
    listed = client.get(reverse("admin:media_credits_photo_changelist"))
    assert {p.pk for p in listed.context["cl"].result_list} == {ready.pk, waiting.pk, refused.pk}


def test_processing_twice_changes_nothing_the_second_time(settings):
    photo = pending_photo(pillow_file("twice.jpg", size=(1000, 800)))

    first = upload.process_upload(photo.pk)
    files = sorted(p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file())
    second = upload.process_upload(photo.pk)

    assert first.state == Photo.State.READY
    assert second is None
    assert sorted(p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files
    assert first.renditions.count() == 2 * len(renditions.rendition_widths(first))


def test_the_uploaded_file_is_kept_as_sent_until_the_worker_replaces_it(settings):
    raw = pillow_file("sent.jpg", size=(300, 200)).read()
    photo = pending_photo(SimpleUploadedFile("sent.jpg", raw))
    with photo.image.open("rb") as f:
        assert f.read() == raw

    upload.process_upload(photo.pk)

    photo.refresh_from_db()
    assert photo.image.name.startswith("photos/")
    stored = sorted(p.name for p in (settings.MEDIA_ROOT / "photos").rglob("*") if p.is_file())
    assert stored == [photo.image.name.rsplit("/", 1)[1]]


def fail_resizing_below(monkeypatch, width: int):
    """Pillow failing while the renditions are made (as a bug or a killed worker stops
    them), once those at least ``width`` wide are made."""
    resize = Image.Image.resize

    def failing(self, size, *args, **kwargs):
        if size[0] < width:
            raise RuntimeError("resize stopped")
        return resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", failing)


def stored_files(settings) -> list:
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_a_file_the_worker_fails_on_every_time_is_refused_after_the_last_attempt(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    photo = pending_photo(pillow_file("poison.png", size=(2000, 1000)))
    raw_name = photo.image.name
    fail_resizing_below(monkeypatch, 1600)  # the 1600 renditions are made, then it stops
    for attempt in range(1, settings.PHOTO_MAX_PROCESSING_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            upload.process_upload(photo.pk)
        photo.refresh_from_db()
        assert (photo.state, photo.processing_attempts) == (Photo.State.PENDING, attempt)
        # The cleaned copy of the failed attempt is removed; its renditions stay for now.
        assert photo.renditions.count() == 2
        assert len(stored_files(settings)) == 1 + 2

    with django_capture_on_commit_callbacks(execute=True):
        refused = upload.process_upload(photo.pk)

    assert refused.state == Photo.State.REFUSED
    with translation.override("ru"):
        assert refused.refusal_message().startswith("Изображение не удалось обработать")
    assert not refused.image
    assert not photo.image.storage.exists(raw_name)
    assert refused.renditions.count() == 0
    assert stored_files(settings) == []
    assert tasks.recover() == 0  # the worker's recovery does not enqueue it again


def test_a_file_processed_after_a_failed_attempt_is_ready(monkeypatch):
    photo = pending_photo(pillow_file("retry.png", size=(2000, 1000)))
    with monkeypatch.context() as patch:
        fail_resizing_below(patch, 10_000)
        with pytest.raises(RuntimeError):
            upload.process_upload(photo.pk)

    ready = upload.process_upload(photo.pk)

    assert (ready.state, ready.processing_attempts) == (Photo.State.READY, 2)
    assert ready.renditions.count() == 2 * len(renditions.rendition_widths(ready))


def test_only_the_task_last_enqueued_for_a_photo_counts_and_processes_it():
    # Each worker's recovery may enqueue a photo left pending: the earlier tasks stop.
    photo = pending_photo(pillow_file("twice.png", size=(1000, 500)))
    Photo.objects.filter(pk=photo.pk).update(task_id="last")

    assert upload.process_upload(photo.pk, task_id="earlier") is None
    photo.refresh_from_db()
    assert (photo.state, photo.processing_attempts) == (Photo.State.PENDING, 0)

    ready = upload.process_upload(photo.pk, task_id="last")
    assert (ready.state, ready.processing_attempts) == (Photo.State.READY, 1)
