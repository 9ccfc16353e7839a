"""The scheduler (`manage.py crontask`): which jobs it queues and when, and that only one runs
across hosts (a PostgreSQL advisory lock; a standby takes over when it dies)."""

import datetime
import importlib
import os
import signal
import time

import pytest
from django.apps import apps
from django.utils import timezone

from kyodo_portal.models import OutgoingMail
from tests import processes

DAILY_JOBS = {
    # name: (hour, minute) of the cron line, or "every minute" / "every hour"
    "send_due_mail": "every minute",
    "requeue_abandoned_tasks": "every minute",
    "clear_sessions": "every hour",
    "purge_personal_data": "03:00",
    "prune_task_results": "03:15",
    "write_open_data": "02:30",
    "remind_verification": "09:00",
}


def scheduled_jobs():
    import crontask

    for app in apps.get_app_configs():
        try:
            importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError:
            continue
    return {job.name: job for job in crontask.scheduler.get_jobs()}


def when(job):
    fields = {field.name: str(field) for field in job.trigger.fields}
    if fields["minute"] == "*":
        return "every minute"
    if fields["hour"] == "*":
        return "every hour"
    return f"{int(fields['hour']):02d}:{int(fields['minute']):02d}"


def test_the_scheduler_queues_each_daily_job_at_its_time():
    jobs = scheduled_jobs()

    assert {name: when(jobs[name]) for name in DAILY_JOBS} == DAILY_JOBS
    assert str(jobs["purge_personal_data"].trigger.timezone) == "Asia/Tokyo"


@pytest.mark.django_db
def test_the_nightly_purge_removes_mail_records_past_their_retention(settings):
    from accounts.tasks import purge_personal_data

    old = OutgoingMail.objects.create(to="a@example.jp", subject="s", body="b", status="sent")
    OutgoingMail.objects.filter(pk=old.pk).update(
        created_at=timezone.now()
        - datetime.timedelta(days=settings.RETENTION_OUTGOING_MAIL_DAYS + 1)
    )
    recent = OutgoingMail.objects.create(to="b@example.jp", subject="s", body="b", status="sent")

    counts = purge_personal_data.enqueue().return_value

    assert counts["outgoing_mail"] == 1
    assert list(OutgoingMail.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_task_results_are_pruned_only_with_the_database_queue(settings):
    from django_tasks_db.models import DBTaskResult

    from kyodo_portal.tasks import prune_task_results
    from tests.worker_tasks import nothing

    assert prune_task_results.enqueue().return_value == 0  # in-process: nothing is stored

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old, recent = nothing.enqueue(), nothing.enqueue()
    finished = timezone.now() - datetime.timedelta(days=settings.TASK_RESULT_DAYS + 1)
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=finished)
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    DBTaskResult.objects.filter(task_path__endswith="prune_task_results").delete()

    job = prune_task_results.enqueue()  # queued: run it as a worker would
    job.task.call()

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        DBTaskResult.objects.get(pk=recent.id).pk,
        DBTaskResult.objects.get(pk=job.id).pk,
    }


def ticks(path):
    if not path.exists():
        return []
    return [int(line.split()[0]) for line in path.read_text().split("\n") if line]


def scheduler(path, log):
    return processes.start(
        "crontask",
        "--no-heartbeat",
        env={
            "DJANGO_SETTINGS_MODULE": "tests.scheduler_settings",
            "SCHEDULER_TICKS": str(path),
            "SCHEDULER_LOCK_POLL_SECONDS": "1",
        },
        log=log,
    )


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_schedulers_one_runs_and_the_other_takes_over_when_it_dies(tmp_path):
    processes.postgres_only()
    path = tmp_path / "ticks"
    log_path = tmp_path / "schedulers.log"
    log = log_path.open("wb")
    first = scheduler(path, log)
    second = None
    try:
        processes.wait_for(lambda: ticks(path), timeout=60, what="the first scheduler to run")
        second = scheduler(path, log)
        processes.wait_for(
            lambda: "ロックを待っています" in log_path.read_text(),
            timeout=60,
            what="the second scheduler to wait",
        )
        before = len(ticks(path))
        time.sleep(4)
        assert set(ticks(path)) == {first.pid}  # the second one ran nothing
        assert len(ticks(path)) >= before + 2  # while the first went on

        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = len(ticks(path))
        processes.wait_for(
            lambda: second.pid in ticks(path), timeout=30, what="the second to take over"
        )
        assert set(ticks(path)[killed_at:]) == {second.pid}
    finally:
        processes.stop(first)
        if second is not None:
            processes.stop(second)
    assert second.returncode in (0, -signal.SIGTERM), log_path.read_text()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_scheduler_that_loses_its_lock_stops_instead_of_running_beside_another(tmp_path):
    processes.postgres_only()
    from django.db import connection

    from kyodo_portal.scheduler_lock import LOCK_KEY

    path = tmp_path / "ticks"
    log_path = tmp_path / "scheduler.log"
    running = scheduler(path, log_path.open("wb"))
    try:
        processes.wait_for(lambda: ticks(path), timeout=60, what="the scheduler to run")
        with connection.cursor() as cursor:  # the lock's session ends (a database restart)
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND ((classid::bigint << 32) | objid::bigint) = %s",
                [LOCK_KEY],
            )
        assert running.wait(timeout=30) == 1
        assert "ロックを失った" in log_path.read_text()
    finally:
        processes.stop(running)
