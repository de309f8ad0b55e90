"""The photo worker for real: django-tasks' database backend and `manage.py photo_worker`
processes started as the production ones are, against the test database."""

import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from media_credits.models import Photo, Rendition, WorkerHeartbeat
from tests.media_credits.conftest import IMAGES, sample_file, upload, upload_page_states

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HEARTBEAT = 0.5  # seconds: a killed worker is noticed within a few


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def start_worker(settings, tmp_path):
    """Start `manage.py photo_worker` on the test database; every one is stopped at the end."""
    started = []

    def start(name="worker"):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
        }
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 — closed at teardown
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "photo_worker",
                "--heartbeat",
                str(HEARTBEAT),
                "--interval",
                "0.1",
                "--worker-id",
                name,
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def wait_for(condition, *, timeout=180.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def large_jpeg(size=(4000, 3000)) -> bytes:
    """A real photo-sized JPEG: noise compresses (and decodes) like a photo's detail."""
    noise = Image.effect_noise(size, 40)
    image = Image.merge("RGB", (noise, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def test_the_worker_processes_uploads_and_the_uploader_sees_each_outcome(
    photographer_client, staff_photographer, start_worker, settings
):
    # No shared credit: the file's own IPTC credits it, which only the worker reads.
    response = upload(
        photographer_client,
        sample_file(IMAGES / "iptc_caption_byline_credit.jpg"),
        sample_file(IMAGES / "truncated.jpg"),
    )
    assert response.status_code == 302
    response = upload(
        photographer_client,
        sample_file(IMAGES / "orientation_6.jpg"),
        photographer=staff_photographer.pk,
    )
    assert response.status_code == 302
    # Nothing is decoded in the request: without a worker every file waits.
    assert upload_page_states(photographer_client) == {
        "orientation_6.jpg": "Processing",
        "truncated.jpg": "Processing",
        "iptc_caption_byline_credit.jpg": "Processing",
    }
    assert Photo.objects.filter(state=Photo.State.PENDING).count() == 3

    start_worker()
    wait_for(
        lambda: not Photo.objects.filter(state=Photo.State.PENDING).exists(),
        what="the worker to process the uploads",
    )

    states = upload_page_states(photographer_client)
    assert states["iptc_caption_byline_credit.jpg"] == "Ready"
    assert states["orientation_6.jpg"] == "Ready"
    assert states["truncated.jpg"] == "Refused: The image is corrupt or truncated."
    iptc = Photo.objects.get(original_name="iptc_caption_byline_credit.jpg")
    # Metadata from the worker: the file's IPTC filled the fields the uploader left empty.
    assert iptc.caption_ru == "A witty caption"
    assert iptc.credit_ru == "Phil Harvey / My Credit"
    assert iptc.metadata["iptc"]["byline"] == "Phil Harvey"
    rotated = Photo.objects.get(original_name="orientation_6.jpg")
    for photo in (iptc, rotated):
        assert photo.renditions.count() == 2  # 480 px wide at most: one width, two formats
        for rendition in photo.renditions.all():
            assert Path(rendition.file.path).is_file()
    refused = Photo.objects.get(original_name="truncated.jpg")
    assert not refused.image
    assert not (Path(settings.MEDIA_ROOT) / "renditions" / str(refused.pk)).exists()
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {TaskResultStatus.SUCCESSFUL}


def test_a_worker_killed_mid_batch_loses_nothing(
    photographer_client, staff_photographer, start_worker
):
    data = large_jpeg()
    files = [SimpleUploadedFile(f"event-{n:02d}.jpg", data, "image/jpeg") for n in range(12)]
    first = start_worker("first")
    response = upload(photographer_client, *files, photographer=staff_photographer.pk)
    assert response.status_code == 302

    # Kill it while it is in the middle of a task, after it finished at least one.
    def mid_batch():
        ready = Photo.objects.filter(state=Photo.State.READY).count()
        return ready >= 1 and DBTaskResult.objects.running().exists()

    wait_for(mid_batch, what="the first worker to be mid-batch")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed = DBTaskResult.objects.running().get()
    assert killed.worker_ids == ["first"]
    assert Photo.objects.filter(state=Photo.State.PENDING).exists()

    start_worker("second")
    wait_for(
        lambda: not Photo.objects.filter(state=Photo.State.PENDING).exists(),
        what="the second worker to finish the batch",
    )

    photos = list(Photo.objects.all())
    assert len(photos) == 12
    assert {photo.state for photo in photos} == {Photo.State.READY}
    for photo in photos:
        assert (photo.width, photo.height) == (4000, 3000)
        assert Path(photo.image.path).is_file()
        made = list(photo.renditions.all())
        assert sorted((r.width_requested, r.image_format) for r in made) == sorted(
            (width, image_format)
            for width in (480, 800, 1200, 1600)
            for image_format in ("jpeg", "webp")
        )
        assert all(Path(r.file.path).is_file() for r in made)
    assert Rendition.objects.count() == 12 * 8
    # The task the first worker never finished is failed, not RUNNING forever.
    killed.refresh_from_db()
    assert killed.status == TaskResultStatus.FAILED
    assert killed.exception_class_path == "media_credits.tasks.WorkerLost"
    assert not DBTaskResult.objects.running().exists()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["second"]
