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
