"""One scheduler across all hosts (issue 17): `manage.py crontask` holds a PostgreSQL advisory
lock while it runs (kyodo_portal/management/commands/crontask.py).

The lock is a session lock on a connection of its own: it is released when the scheduler stops
or its process dies (the server ends the session), so a standby scheduler on another host, which
waits for it, takes over within SCHEDULER_LOCK_POLL_SECONDS. Every few seconds the scheduler
checks that it still holds the lock (the connection may have broken); if not, it stops at once
rather than run beside another one. With CRONTASK["REDIS_URL"] set, django-crontask's own Redis
lock is used instead; on SQLite (one host by nature) there is none.
"""

import time

from crontask import utils
from django.db import DEFAULT_DB_ALIAS, connections

# "kyodo" in ASCII: one lock per database.
LOCK_KEY = 0x6B796F646F


class AdvisoryLock:
    def __init__(self, *, poll_seconds, say=print):
        self.poll_seconds = poll_seconds
        self.say = say
        self.lost = False
        self._connection = None

    def __enter__(self):
        self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        # The check runs in a thread of the scheduler; the lock is this connection's alone.
        self._connection.inc_thread_sharing()
        waiting = False
        while not self._query("SELECT pg_try_advisory_lock(%s)"):
            if not waiting:
                self.say(
                    "別のスケジューラーが動いています。止まったら引き継ぎます"
                    "（ロックを待っています）…"
                )
                waiting = True
            time.sleep(self.poll_seconds)
        self.say("ロックを取りました。このスケジューラーが毎日の処理をキューに入れます。")
        return self

    def _query(self, sql):
        with self._connection.cursor() as cursor:
            cursor.execute(sql, [LOCK_KEY])
            return cursor.fetchone()[0]

    def extend(self, additional_time=None, replace_ttl=False):
        """crontask calls this every LOCK_REFRESH_INTERVAL: is the lock still ours?"""
        try:
            held = self._query(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = %s"
            )
        except Exception as error:
            self.lost = True
            raise utils.LockNotOwnedError(f"ロックを確かめられません: {error}") from error
        if not held:
            self.lost = True
            raise utils.LockNotOwnedError("ロックを失いました。")
        return True

    def __exit__(self, exc_type, exc, traceback):
        try:
            if not self.lost:
                self._query("SELECT pg_advisory_unlock(%s)")
        except Exception:
            pass
        finally:
            self._connection.dec_thread_sharing()
            self._connection.close()
