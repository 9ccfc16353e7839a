"""The test settings plus an app whose one job ticks every second (tests/scheduler_app/)."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scheduler_app"]  # noqa: F405
