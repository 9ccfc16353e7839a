"""`manage.py crontask`: django-crontask's scheduler, which queues the jobs each app declares in
its tasks.py with @cron, holding a PostgreSQL advisory lock so that one runs across all hosts
(kyodo_portal/scheduler_lock.py). Start one on each of two hosts: the second waits."""

import importlib

from crontask import conf, scheduler
from crontask.management.commands import crontask as base
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from kyodo_portal.scheduler_lock import AdvisoryLock


class Command(base.Command):
    help = (
        "毎日の処理（確認のお願い、個人情報の整理、オープンデータのファイルなど）を決まった時刻に"
        "キューに入れるスケジューラーです。PostgreSQL のロックで、全体で一つだけが動きます"
        "（ほかのホストのものは待機し、止まれば引き継ぎます）。"
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or conf.get_settings().REDIS_URL:
            if connection.vendor != "postgresql":
                self.stdout.write(
                    "SQLite: ロックなしで動きます。スケジューラーは一つだけ起動してください。"
                )
            return super().handle(*args, **options)
        if not options["no_task_loading"]:
            self.load_tasks(options)
        if not options["no_heartbeat"]:
            importlib.import_module("crontask.tasks")  # crontask's heartbeat job
        lock = AdvisoryLock(
            poll_seconds=settings.SCHEDULER_LOCK_POLL_SECONDS,
            say=lambda text: self.stdout.write(text) or self.stdout.flush(),
        )
        with lock:
            self.launch_scheduler(lock, scheduler)
        if lock.lost:
            raise CommandError(
                "ロックを失ったため止まりました（別のスケジューラーが引き継ぎます）。"
            )
