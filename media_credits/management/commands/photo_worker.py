import logging
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from media_credits import tasks

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the background worker for photo processing (django-tasks database backend), "
        "with a heartbeat and recovery of the work of workers that died."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=10.0,
            help=(
                "Seconds between heartbeats. A worker silent for three of them is dead: "
                "its photos are enqueued again by the next sweep of any worker."
            ),
        )
        parser.add_argument(
            "--batch", action="store_true", help="Process what is waiting, then exit."
        )
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME)
        parser.add_argument("--worker-id", default="", help="Unique per worker (default: random).")

    def handle(self, *args, interval, heartbeat, batch, queue_name, worker_id, **options):
        if heartbeat <= 0 or interval < 0:
            raise CommandError("--heartbeat must be positive and --interval not negative.")
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError("TASKS must use django_tasks_db.DatabaseBackend for a worker.")
        worker_id = worker_id or get_random_string(32)
        lifetime = 3 * heartbeat
        tasks.beat(worker_id, lifetime=lifetime)
        recovered = tasks.recover()
        self.stdout.write(
            f"Photo worker {worker_id} started; {recovered} pending photos enqueued again."
        )
        stop = threading.Event()
        beating = threading.Thread(
            target=self._beat, args=(worker_id, heartbeat, lifetime, stop), daemon=True
        )
        beating.start()
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            beating.join(timeout=heartbeat + 5)
            tasks.stop_beating(worker_id)

    def _beat(self, worker_id, heartbeat, lifetime, stop):
        # Its own thread, so a long task does not make the worker look dead; the sweep
        # runs here too, so a worker that died is noticed while the others are busy.
        beats = 0
        try:
            while not stop.wait(heartbeat):
                try:
                    tasks.beat(worker_id, lifetime=lifetime)
                    beats += 1
                    if beats % 3 == 0:
                        tasks.recover()
                except Exception:  # a busy database: try again at the next beat
                    logger.exception("Photo worker heartbeat failed")
                    connection.close()
        finally:
            connection.close()
