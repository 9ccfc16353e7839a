import functools
import logging
import uuid

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kyodo_portal.uploads import private_storage

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _check_database(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache = caches["default"]
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, 10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _check_storage():
    private_storage().check_reachable()


@functools.cache
def _migrations_on_disk():
    """Every migration of this code (read once per process: the code does not change under it)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _unapplied_migrations():
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    return sorted(_migrations_on_disk() - set(applied))


@never_cache
@require_safe
def readyz(request):
    """For load balancers: 200 when this node can serve — the (primary) database, the cache and
    the file storage answer and no migration of this code is missing in the database — else 503,
    naming what failed (the details go to the log, not to the answer)."""
    checks = {}

    def run(name, check):
        try:
            check()
        except Exception:
            logger.warning("readyz: %s に失敗しました", name, exc_info=True)
            checks[name] = "error"
        else:
            checks[name] = "ok"

    run("database", functools.partial(_check_database, DEFAULT_DB_ALIAS))
    run("cache", _check_cache)
    run("storage", _check_storage)
    if checks["database"] == "ok":
        try:
            unapplied = _unapplied_migrations()
        except DatabaseError:
            logger.warning("readyz: マイグレーションの確認に失敗しました", exc_info=True)
            checks["migrations"] = "error"
        else:
            checks["migrations"] = (
                "ok" if not unapplied else f"未適用のマイグレーションが {len(unapplied)} 件"
            )
    else:
        checks["migrations"] = "error"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )
