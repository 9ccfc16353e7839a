"""The database queue with real `manage.py db_worker` processes (TASKS_BACKEND=database): a task
left running by a killed worker runs again, mail waits for a stopped SMTP server and arrives
once, and how many tasks a second one worker runs."""

import os
import signal
import time

import pytest
from django.db.models import Max, Min
from django.tasks import TaskResultStatus

from kyodo_portal import workers
from kyodo_portal.models import OutgoingMail, TaskWorker
from kyodo_portal.notifications import notify_after_commit
from tests import processes
from tests.mail_servers import SMTPSink
from tests.worker_tasks import hold_until_released, nothing

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    processes.postgres_only()
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_WORKER_HEARTBEAT_SECONDS = 1


def worker(worker_id, log, **env):
    return processes.start(
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        worker_id,
        env={"TASKS_BACKEND": "database", "TASK_WORKER_HEARTBEAT_SECONDS": "1", **env},
        log=log,
    )


def db_result(task_result):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.get(pk=task_result.id)


def test_a_task_left_running_by_a_killed_worker_is_picked_up_again(database_queue, tmp_path):
    log = (tmp_path / "workers.log").open("wb")
    result = hold_until_released.enqueue(str(tmp_path))
    first = worker("worker-a", log)
    second = None
    try:
        processes.wait_for(lambda: (tmp_path / "started").exists(), what="worker-a to start it")
        assert db_result(result).status == TaskResultStatus.RUNNING
        os.killpg(first.pid, signal.SIGKILL)  # mid-task, no chance to clean up
        first.wait()

        # While its heartbeat is fresh the task is left alone; three beats later it is queued.
        assert workers.requeue_abandoned() == 0
        processes.wait_for(
            lambda: workers.requeue_abandoned() == 1, timeout=10, what="the task to be requeued"
        )
        assert db_result(result).status == TaskResultStatus.READY

        second = worker("worker-b", log)
        (tmp_path / "release").touch()
        processes.wait_for(
            lambda: db_result(result).status == TaskResultStatus.SUCCESSFUL,
            what="worker-b to finish it",
        )
        finished = db_result(result)
        assert finished.worker_ids == ["worker-a", "worker-b"]
        assert finished.return_value == second.pid
        started_by = (tmp_path / "started").read_text().split()
        assert started_by == [str(first.pid), str(second.pid)]
        assert TaskWorker.objects.filter(worker_id="worker-b").exists()
    finally:
        processes.stop(first)
        if second is not None:
            processes.stop(second)
            assert not TaskWorker.objects.filter(worker_id="worker-b").exists()  # said goodbye


def test_a_task_that_keeps_killing_its_worker_is_failed_after_the_last_pickup(
    database_queue, settings, tmp_path
):
    from django_tasks_db.models import DBTaskResult

    settings.TASK_MAX_PICKUPS = 2
    result = hold_until_released.enqueue(str(tmp_path))
    long_ago = "2026-01-01T00:00:00+00:00"
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["gone-1", "gone-2"]
    )

    assert workers.requeue_abandoned() == 0

    failed = db_result(result)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "kyodo_portal.workers.WorkerLost"


def test_mail_waits_for_a_stopped_smtp_server_and_the_worker_delivers_it_once(
    database_queue, settings, tmp_path, capsys
):
    settings.MAIL_RETRY_SECONDS = 1
    sink = SMTPSink()  # not started: the port is closed
    log = (tmp_path / "worker.log").open("wb")
    process = worker(
        "mail-worker",
        log,
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        MAIL_RETRY_SECONDS="1",
    )
    try:
        started = time.monotonic()
        notify_after_commit(
            to=["kyodo@example.jp"], template="test_notice", context={"name": "佐賀"}
        )
        row = OutgoingMail.objects.get()
        processes.wait_for(
            lambda: OutgoingMail.objects.filter(
                attempts=2, status=OutgoingMail.Status.PENDING
            ).exists(),
            what="two refused tries",
        )
        row.refresh_from_db()
        assert row.status == OutgoingMail.Status.PENDING
        assert "ConnectionRefusedError" in row.last_error
        second_try = time.monotonic() - started

        sink.start()
        processes.wait_for(
            lambda: OutgoingMail.objects.get().status == OutgoingMail.Status.SENT,
            what="the mail to be sent",
        )
        delivered = time.monotonic() - started
        time.sleep(1.5)  # any duplicate task would have run by now
        assert len(sink.messages) == 1
        assert sink.messages[0]["To"] == "kyodo@example.jp"
        row.refresh_from_db()
        assert row.attempts == 3
    finally:
        processes.stop(process)
        sink.stop()
    with capsys.disabled():
        print(
            f"\nworker, SMTP stopped then started (MAIL_RETRY_SECONDS=1): second try at "
            f"{second_try:.2f} s, delivered on the third at {delivered:.2f} s"
        )


@pytest.mark.parametrize("worker_count", [1, 2])
def test_tasks_per_second_through_the_worker(database_queue, tmp_path, capsys, worker_count):
    count = 400
    for _ in range(count):
        nothing.enqueue()
    log = (tmp_path / "worker.log").open("wb")
    started = time.monotonic()
    running = [
        processes.start(
            "db_worker",
            "--batch",
            "--interval",
            "0",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            f"bench-{index}",
            "--verbosity",
            "0",
            env={"TASKS_BACKEND": "database"},
            log=log,
        )
        for index in range(worker_count)
    ]
    for process in running:
        assert process.wait(timeout=120) == 0
    elapsed = time.monotonic() - started
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.successful().count() == count
    span = DBTaskResult.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    running = (span["last"] - span["first"]).total_seconds()
    with capsys.disabled():
        print(
            f"\n{count} tasks through {worker_count} db_worker process(es): "
            f"{count / running:.0f} tasks/s from the first start to the last finish "
            f"({running:.2f} s); {count / elapsed:.0f} tasks/s with the processes' start-up "
            f"({elapsed:.2f} s)"
        )
