"""Tasks that only the worker tests run (tests/kyodo_portal/test_worker.py)."""

import os
import time
from pathlib import Path

from django.tasks import task


@task
def nothing():
    return None


@task
def hold_until_released(folder):
    """Note which process started it, then wait for the test to release it."""
    folder = Path(folder)
    with (folder / "started").open("a") as started:
        started.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 60
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    return os.getpid()
