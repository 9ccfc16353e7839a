"""The accounts' jobs for the scheduler (`manage.py crontask`)."""

import logging

from crontask import cron
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone

from accounts import retention

logger = logging.getLogger("accounts.tasks")


@cron("0 * * * *")
@task
def clear_sessions():
    """Every hour: Django's clearsessions (expired sessions; the daily purge does it too)."""
    call_command("clearsessions")


@cron("0 3 * * *")
@task
def purge_personal_data():
    """Every night: every retention rule of accounts/retention.py, as `manage.py
    purge_personal_data` (sessions, the login and lock-out records of django-axes, unverified
    accounts, the staff access log, sent mail, import jobs, the apps' own rules)."""
    done = retention.purge(now=timezone.now())
    for rule, count in done:
        if count:
            logger.info("%s: %s %d 件", rule.label, rule.action, count)
    return {rule.key: count for rule, count in done}
