"""Long work a person starts from a page (an import, an export) runs as a task; the page they
land on shows its progress and then its result (issue 17).

``start()`` records a ``BackgroundJob`` (with the uploaded file, so that a worker on any host can
read it) and queues the app's task once the transaction commits; the task calls ``run(job_id,
work)``, where ``work(job, progress)`` does the job and returns its result (JSON). The page polls
``status(job)`` (plain JavaScript, static/js/background_job.js; a meta refresh without it).

With the in-process backend (``make run``) the task runs before the page answers, and the page
shows the result at once. A job run again after its worker died (kyodo_portal/workers.py)
starts over: each job writes in one transaction, which died with the worker.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo_portal.models import BackgroundJob

logger = logging.getLogger("kyodo_portal.jobs")

# The page learns of progress at most this often (each update is a write).
PROGRESS_INTERVAL = 0.5


def start(*, kind, task, by, data=None, name="", options=None):
    """Record the job and queue ``task(job_id)`` once the current transaction commits."""
    job = BackgroundJob.objects.create(
        kind=kind,
        created_by=by,
        input_data=data,
        input_name=name,
        options=options or {},
    )
    transaction.on_commit(lambda: _enqueue(job.pk, task), robust=True)
    return job


def _enqueue(job_id, task):
    try:
        result = task.enqueue(str(job_id))
    except Exception:
        logger.exception("処理 %s をキューに入れられませんでした", job_id)
        BackgroundJob.objects.filter(pk=job_id).update(
            status=BackgroundJob.Status.FAILED,
            error=_("処理を始められませんでした。しばらくしてからもう一度お試しください。"),
            finished_at=timezone.now(),
            input_data=None,
        )
        return
    BackgroundJob.objects.filter(pk=job_id, task_result_id="").update(task_result_id=result.id)


class Progress:
    """What the job tells its page: the stage it is in and how far through it."""

    def __init__(self, job):
        self.job_id = job.pk
        self._last = 0.0
        self._writer = None

    def stage(self, label, total=0):
        self._write(force=True, stage=str(label), done=0, total=total)

    def advance(self, done, total=None):
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        self._write(**fields)

    def iterate(self, items, label):
        """Yield from ``items`` (a sized collection), telling the page as it goes."""
        total = len(items)
        self.stage(label, total)
        for index, item in enumerate(items, start=1):
            yield item
            self.advance(index)
        self._write(force=True, done=total)

    def _write(self, force=False, **fields):
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        update = BackgroundJob.objects.filter(pk=self.job_id).update
        if connection.vendor != "sqlite":
            # From a thread of its own, on its own connection: the page sees it at once, even
            # while the job writes inside a transaction.
            if self._writer is None:
                self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="progress")
            self._writer.submit(update, **fields)
        elif not connection.in_atomic_block:
            update(**fields)
        # SQLite inside the job's transaction: the one writer is the job; the page catches up.

    def close(self):
        if self._writer is not None:
            self._writer.submit(connection.close)
            self._writer.shutdown(wait=True)
            self._writer = None


def run(job_id, work):
    """Run ``work(job, progress)`` for the job, recording its result or its failure."""
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    job.status = BackgroundJob.Status.RUNNING
    job.started_at = timezone.now()
    job.stage, job.done, job.total, job.error = "", 0, 0, ""
    job.save(update_fields=["status", "started_at", "stage", "done", "total", "error"])
    progress = Progress(job)
    try:
        job.result = work(job, progress)
        job.status = BackgroundJob.Status.SUCCEEDED
    except Exception:
        logger.exception("処理 %s (%s) が失敗しました", job.pk, job.kind)
        job.status = BackgroundJob.Status.FAILED
        job.error = _(
            "処理の途中でエラーが起きました。何も書き込んでいません。"
            "もう一度お試しいただき、続くときはシステムの担当者にお知らせください。"
        )
    finally:
        progress.close()
    job.input_data = None
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "error", "input_data", "finished_at"])
    return job.status


def lost(job):
    """Whether the task of an unfinished job failed without the job knowing (its worker died
    too often, kyodo_portal/workers.py)."""
    if job.is_finished or not job.task_result_id:
        return False
    from django.tasks import TaskResultStatus, default_task_backend
    from django.tasks.exceptions import TaskResultDoesNotExist

    if not default_task_backend.supports_get_result:
        return False
    try:
        result = default_task_backend.get_result(job.task_result_id)
    except TaskResultDoesNotExist:
        return False
    return result.status == TaskResultStatus.FAILED


def status(job):
    """The job as its page polls it (JSON)."""
    failed = job.status == BackgroundJob.Status.FAILED or lost(job)
    return {
        "status": BackgroundJob.Status.FAILED if failed else job.status,
        "status_label": str(
            BackgroundJob.Status.FAILED.label if failed else job.get_status_display()
        ),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.is_finished or failed,
    }


def for_person(request, job_id, kind):
    """The job ``job_id`` of ``kind`` if this person started it; None otherwise (the page
    answers 404: someone else's job is not theirs to see)."""
    return BackgroundJob.objects.filter(pk=job_id, kind=kind, created_by=request.user).first()
