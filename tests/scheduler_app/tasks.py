"""A job every second, for the scheduler tests only (tests/scheduler_settings.py): each run
writes which process ran it to the file named by SCHEDULER_TICKS."""

import os
import time

from apscheduler.triggers.interval import IntervalTrigger
from crontask import cron
from django.tasks import task


@cron(IntervalTrigger(seconds=1))
@task
def tick():
    with open(os.environ["SCHEDULER_TICKS"], "a") as ticks:
        ticks.write(f"{os.getpid()} {time.time():.3f}\n")
