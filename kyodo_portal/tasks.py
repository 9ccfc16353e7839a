"""The core's background tasks: sending a mail, and the scheduler's housekeeping (each app's
``tasks.py`` holds its own; `manage.py crontask` loads them all)."""

import logging

from crontask import cron
from django.tasks import task

from kyodo_portal import outbox

logger = logging.getLogger("kyodo_portal.tasks")


@task
def send_mail(mail_id):
    """One try at one recorded mail (kyodo_portal/outbox.py)."""
    return outbox.send(mail_id)


@cron("* * * * *")
@task
def send_due_mail():
    """Retries that are due, and mail a queue never took."""
    return outbox.send_due()


@cron("* * * * *")
@task
def requeue_abandoned_tasks():
    """Tasks left running by a worker that died run again (kyodo_portal/workers.py)."""
    from kyodo_portal import workers

    return workers.requeue_abandoned()


@cron("15 3 * * *")
@task
def prune_task_results():
    """Finished task results older than TASK_RESULT_DAYS (django-tasks-db's own command), when
    tasks go through the database queue."""
    from django.conf import settings
    from django.core.management import call_command
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(send_mail.get_backend(), DatabaseBackend):
        return 0
    call_command(
        "prune_db_task_results",
        min_age_days=settings.TASK_RESULT_DAYS,
        queue_name="*",
        verbosity=0,
    )
    return 1
