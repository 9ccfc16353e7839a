"""Task workers that die do not take their task with them (issue 17).

django-tasks-db's ``db_worker`` claims a task (状態 RUNNING, its id appended to ``worker_ids``)
and runs it; a worker killed meanwhile (a host lost, the OOM killer, ``kill -9``) leaves the
task RUNNING for ever, and db_worker itself never looks at it again. So each of our workers
(``manage.py db_worker``, kyodo_portal/management/commands/db_worker.py) says it is alive every
``TASK_WORKER_HEARTBEAT_SECONDS`` from a thread of its own (``TaskWorker.seen_at``), and
``requeue_abandoned`` — at every worker's start and every minute from the scheduler — makes a
task READY again when the worker that runs it has been silent for three heartbeats. It runs
again from the start: our tasks are safe to repeat (an import writes in one transaction that
died with the worker, a mail is claimed before it is sent, a file is written under a new name).
A task that took down its worker ``TASK_MAX_PICKUPS`` times is marked FAILED instead of taking
down the next one.
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from kyodo_portal.models import TaskWorker

logger = logging.getLogger("kyodo_portal.workers")

FORGET_AFTER = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """The worker running the task stopped answering (recorded as the task's error)."""


def silence_limit():
    return datetime.timedelta(seconds=3 * settings.TASK_WORKER_HEARTBEAT_SECONDS)


def beat(worker_id):
    now = timezone.now()
    TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={
            "seen_at": now,
            "started_at": now,
            "host": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


class Heartbeat:
    """A daemon thread that beats for ``worker_id`` until ``stop()``."""

    def __init__(self, worker_id):
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="task-heartbeat", daemon=True)

    def start(self):
        beat(self.worker_id)
        self._thread.start()

    def _run(self):
        try:
            while not self._stop.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(self.worker_id)
                except Exception:
                    logger.exception("ワーカー %s の応答を記録できませんでした", self.worker_id)
        finally:
            connection.close()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=settings.TASK_WORKER_HEARTBEAT_SECONDS + 5)
        TaskWorker.objects.filter(worker_id=self.worker_id).delete()


def requeue_abandoned(now=None):
    """Make READY again every RUNNING task whose worker went silent; returns how many (and
    fails those that were picked up TASK_MAX_PICKUPS times already)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    silent_since = now - silence_limit()
    alive = set(
        TaskWorker.objects.filter(seen_at__gte=silent_since).values_list("worker_id", flat=True)
    )
    requeued = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=silent_since):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            locked = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=result.pk)
                .running()
                .first()
            )
            if locked is None or locked.worker_ids != result.worker_ids:
                continue
            worker = locked.worker_ids[-1] if locked.worker_ids else "?"
            if len(locked.worker_ids) >= settings.TASK_MAX_PICKUPS:
                locked.set_failed(
                    WorkerLost(
                        f"ワーカー {worker} が応答しなくなりました"
                        f"（{len(locked.worker_ids)} 回目。もう再実行しません）"
                    )
                )
                logger.error("タスク %s (%s) を失敗にしました", locked.pk, locked.task_path)
                continue
            locked.status = TaskResultStatus.READY
            locked.started_at = None
            locked.save(update_fields=["status", "started_at"])
            requeued += 1
            logger.warning(
                "応答しなくなったワーカー %s のタスク %s (%s) をもう一度キューに入れました",
                worker,
                locked.pk,
                locked.task_path,
            )
    TaskWorker.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return requeued
