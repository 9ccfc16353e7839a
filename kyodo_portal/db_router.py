"""Reads from a read replica, writes to the primary (issue 17; README「読み取りレプリカ」).

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` alias and the reads of web
requests go there, except where a replica that lags behind the primary would show someone a
wrong page:

- inside a transaction (an ``atomic`` block on the primary): a service that locks a row and
  checks its state reads what it is about to change;
- for the rest of a request once it wrote through the ORM: a view that saved something and shows
  it back;
- for a person, ``DATABASE_REPLICA_PIN_SECONDS`` after a request of theirs that wrote or used a
  method other than GET/HEAD/OPTIONS: ``ReplicaPinMiddleware`` sets a short cookie, so the page
  after a form (the redirect, the next click) reads the primary while the replica catches up.

Commands, tasks and the shell read the primary (a task enqueued on commit must find what the
request saved); a long read-only job may opt in with ``replica_reads()``. An object read from one
database keeps reading its relations from the same one. Migrations run on the primary only.
Without a replica the router answers nothing and Django uses ``default`` for everything, as
before.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "primary_pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Scope:
    pinned: bool = False  # the person wrote a moment ago (the cookie)
    wrote: bool = False  # this request wrote


# Set for a request by ReplicaPinMiddleware (or by replica_reads); unset elsewhere: the primary.
_scope = ContextVar("kyodo_db_scope", default=None)


@contextmanager
def replica_reads(pinned=False):
    """Reads inside go to the replica (when there is one) under the rules above."""
    scope = _Scope(pinned=pinned)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def replica_configured():
    return REPLICA_DB_ALIAS in settings.DATABASES


def reads_primary():
    """Whether reads go to the primary now (always true without a replica)."""
    if not replica_configured():
        return True
    scope = _scope.get()
    return (
        scope is None
        or scope.pinned
        or scope.wrote
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


def read_alias():
    """The database that reads go to now: the one a page rendered now is rendered from."""
    return DEFAULT_DB_ALIAS if reads_primary() else REPLICA_DB_ALIAS


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if reads_primary():
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        if not replica_configured():
            return None
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if not replica_configured():
            return None
        # Both databases hold the same rows.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS} or None

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def pin_seconds():
    return getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 5)


def _pinned_by(cookie, now):
    """A pin cookie holds the time it ends; one that claims more than the pin length is ignored."""
    try:
        until = float(cookie)
    except (TypeError, ValueError):
        return False
    return now < until <= now + pin_seconds()


class ReplicaPinMiddleware:
    """Reads for a person go to the primary for DATABASE_REPLICA_PIN_SECONDS after they wrote.

    Place it before SessionMiddleware: the session is read from the database the pin chooses
    (a login is a write, and the page after it must find the new session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        pinned = _pinned_by(request.COOKIES.get(PIN_COOKIE), time.time())
        with replica_reads(pinned=pinned) as scope:
            response = self.get_response(request)
        seconds = pin_seconds()
        if seconds and (scope.wrote or request.method not in SAFE_METHODS):
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
