"""Two people at the same moment: each action runs in its own thread and database connection,
all released together by a barrier, so that PostgreSQL's row locks and unique constraints
decide who wins (SQLite serialises writers and cannot show a race)."""

import threading
import time

import pytest
from django.db import connection, connections

from kyodo_portal.errors import DomainError


def require_postgres(reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL"):
    if connection.vendor != "postgresql":
        pytest.skip(reason)


def run_together(*actions, refusal=DomainError, describe=str, timeout=10):
    """Run each (name, callable) at once; name → "ok", or ``describe(error)`` for an error of
    the ``refusal`` type (by default a DomainError's message)."""
    barrier = threading.Barrier(len(actions))
    outcomes = {}

    def act(name, function):
        try:
            barrier.wait()
            function()
            outcomes[name] = "ok"
        except refusal as error:
            outcomes[name] = describe(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def slow_down(monkeypatch, module, name, seconds=0.3):
    """Make ``module.name`` wait before it runs, so that whoever holds the row lock holds it
    long enough for the other caller to wait on it."""
    real = getattr(module, name)

    def slowed(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slowed)
