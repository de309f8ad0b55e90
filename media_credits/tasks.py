"""Photo work off the request path: django-tasks with the database backend.

An upload enqueues ``process_photo`` per file; ``manage.py photo_worker`` runs the tasks.
django-tasks leaves a task RUNNING forever when its worker dies (SIGKILL, OOM, power):
each photo worker keeps a heartbeat row, and ``recover()`` (run by every worker at start
and then periodically) fails the tasks of workers whose heartbeat expired and enqueues
again every pending photo that no live task will process. Processing is idempotent, so a
photo processed twice is harmless.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from media_credits import upload
from media_credits.models import Photo, WorkerHeartbeat

logger = logging.getLogger(__name__)


@task(takes_context=True)
def process_photo(context, photo_id: int) -> str:
    """Decode, check, clean and prefill an uploaded photo and make its renditions."""
    photo = upload.process_upload(photo_id, task_id=str(context.task_result.id))
    return photo.state if photo is not None else "skipped"


def enqueue(photos) -> None:
    """Enqueue the processing of each photo and remember its task on the photo."""
    for photo in photos:
        result = process_photo.enqueue(photo.pk)
        Photo.objects.filter(pk=photo.pk, state=Photo.State.PENDING).update(task_id=str(result.id))


def beat(worker_id: str, *, lifetime: float) -> None:
    """Say that ``worker_id`` is alive for another ``lifetime`` seconds."""
    expires_at = timezone.now() + dt.timedelta(seconds=lifetime)
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"expires_at": expires_at}
    )


def stop_beating(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover() -> int:
    """Fail the tasks of dead workers and re-enqueue orphaned pending photos; returns how many."""
    now = timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(expires_at__gte=now).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().filter(task_path=process_photo.module_path)
    for result in running.only("id", "worker_ids"):
        if not result.worker_ids or result.worker_ids[-1] not in alive:
            # Its worker is gone: the task will never finish. Fail it (only if still
            # running: it may have just finished) so it is visible as such.
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="media_credits.tasks.WorkerLost",
                traceback=f"Worker {result.worker_ids[-1:]} stopped without finishing.",
            )
    WorkerHeartbeat.objects.filter(expires_at__lt=now).delete()

    live_tasks = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path=process_photo.module_path,
    ).values_list("id", flat=True)
    live = {str(task_id) for task_id in live_tasks}
    orphans = [
        photo
        for photo in Photo.objects.filter(state=Photo.State.PENDING).only("pk", "task_id")
        if photo.task_id not in live
    ]
    with transaction.atomic():
        enqueue(orphans)
    if orphans:
        logger.warning("Re-enqueued %d pending photos without a live task", len(orphans))
    return len(orphans)
