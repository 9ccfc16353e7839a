"""`manage.py db_worker`: django-tasks-db's worker, which also says it is alive so that a task
it leaves running when it dies is picked up again (kyodo_portal/workers.py)."""

from django_tasks_db.management.commands import db_worker

from kyodo_portal import workers


class Worker(db_worker.Worker):
    def run(self):
        heartbeat = workers.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            workers.requeue_abandoned()
            super().run()
        finally:
            heartbeat.stop()


class Command(db_worker.Command):
    help = (
        "データベースのキューのタスクを実行します（TASKS_BACKEND=database）。動いている間は"
        "応答を記録し、止まったワーカーの実行中のタスクはほかのワーカーがやり直します。"
    )

    def handle(self, **options):
        # db_worker.Command.handle builds the module's Worker; this process runs ours instead.
        db_worker.Worker = Worker
        super().handle(**options)
