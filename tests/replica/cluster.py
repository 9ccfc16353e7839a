"""A real PostgreSQL streaming replica of the test server, on a free port (tests/replica/).

``StreamingReplica.start(primary)`` takes a base backup of the primary with a physical
replication slot (pg_basebackup -R -C -S), starts it as a hot standby in a temporary folder and
waits until it streams; ``stop()`` stops it, drops the slot and removes the folder. A cluster
and a slot left by a run that was killed are removed by the next run (the folder and the slot's
name hold the process id of the run).

The primary must accept replication connections from 127.0.0.1. When pg_hba.conf has no
``replication`` line and this process may write the file (root, or the postgres user, as in CI
and on a developer's machine), one line is added with the same trust as the existing local lines
and the configuration reloaded; it is left in place (idempotent). Otherwise the replica is
unavailable with the line to add.

PostgreSQL refuses to run as root: as root the cluster runs as the ``postgres`` user (runuser).
"""

import contextlib
import fcntl
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

HBA_LINE = "host replication all 127.0.0.1/32 trust"
HBA_COMMENT = "# streaming replica of the test suite (kyodo tests/replica/cluster.py)"
SLOT_PREFIX = "kyodo_test_replica_"
FOLDER_PREFIX = "kyodo-replica-"
# A standby needs at least the primary's value of each of these.
STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(Exception):
    """Why no replica can be started here (the test is skipped, or fails in CI)."""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StreamingReplica:
    def __init__(self, primary_params, bindir, run_as, base):
        self.primary_params = primary_params
        self.bindir = bindir
        self.run_as = run_as
        self.base = base
        self.data = base / "data"
        self.log = base / "replica.log"
        self.port = _free_port()
        self.slot = f"{SLOT_PREFIX}{os.getpid()}"
        self.figures = {}
        self._connections = {}

    # --- start and stop -----------------------------------------------------------------

    @classmethod
    def start(cls, settings_dict):
        """A replica of the server that ``settings_dict`` (a Django database) names."""
        params = {
            "host": settings_dict.get("HOST") or "127.0.0.1",
            "port": int(settings_dict.get("PORT") or 5432),
            "user": settings_dict.get("USER") or "postgres",
            "password": settings_dict.get("PASSWORD") or None,
            "dbname": "postgres",  # the helpers' own connections stay off the test database
        }
        with cls._connect_primary(params) as primary:
            cls._require_superuser(primary)
            bindir = cls._binaries(primary)
            cls._allow_replication(primary)
            minimums = {
                name: primary.execute(f"SHOW {name}").fetchone()[0] for name in STANDBY_MINIMUMS
            }
        run_as = cls._run_as()
        cls._stop_stale_clusters(bindir, run_as)
        with cls._connect_primary(params) as primary:
            cls._drop_stale_slots(primary)
        base = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        (base / "owner").write_text(str(os.getpid()))
        replica = cls(params, bindir, run_as, base)
        try:
            if run_as is not None:
                shutil.chown(base, user=run_as)
            replica._base_backup()
            replica._configure_and_start(minimums)
            replica._wait_streaming()
        except BaseException:
            replica.stop()
            raise
        return replica

    def stop(self):
        """Stop the cluster, drop its slot on the primary, remove its folder."""
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()
        if (self.data / "postmaster.pid").exists():
            self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"], check=False)
        with self._connect_primary(self.primary_params) as primary:
            self._drop_slot(primary, self.slot)
        shutil.rmtree(self.base, ignore_errors=True)

    # --- what the tests do --------------------------------------------------------------

    def execute(self, sql, params=None, on="replica"):
        """Run ``sql`` on the replica (or ``on="primary"``), in a connection of these helpers'
        own, and return the first row."""
        conn = self._connections.get(on)
        if conn is None:
            params_ = self.params("postgres") if on == "replica" else self.primary_params
            conn = self._connections[on] = psycopg.connect(**params_, autocommit=True)
        return conn.execute(sql, params).fetchone()

    def params(self, dbname):
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "user": self.primary_params["user"],
            "password": self.primary_params["password"],
            "dbname": dbname,
        }

    def primary_lsn(self):
        return self.execute("SELECT pg_current_wal_lsn()::text", on="primary")[0]

    def pause(self):
        """Stop applying the primary's changes (WAL still arrives); reads see the old state."""
        self.execute("SELECT pg_wal_replay_pause()")
        self._wait(
            lambda: self.execute("SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
            "replay did not pause",
        )

    def resume(self):
        self.execute("SELECT pg_wal_replay_resume()")

    def replayed(self, lsn):
        return self.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0]

    def wait_until_replayed(self, lsn=None, timeout=30):
        """Wait until the replica has applied the primary's WAL up to ``lsn`` (now by default);
        return the seconds it took."""
        lsn = lsn or self.primary_lsn()
        started = time.monotonic()
        self._wait(lambda: self.replayed(lsn), f"replica did not reach {lsn}", timeout, 0.002)
        return time.monotonic() - started

    # --- the steps of start -------------------------------------------------------------

    @staticmethod
    def _connect_primary(params):
        return psycopg.connect(**params, autocommit=True, connect_timeout=10)

    @staticmethod
    def _require_superuser(primary):
        row = primary.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not row.fetchone()[0]:
            raise ReplicaUnavailable(
                "データベースの利用者がスーパーユーザーではないため、レプリカを作れません。"
            )

    @staticmethod
    def _binaries(primary):
        major = int(primary.execute("SHOW server_version_num").fetchone()[0]) // 10000
        bindir = Path(f"/usr/lib/postgresql/{major}/bin")
        missing = [name for name in ("pg_basebackup", "pg_ctl") if not (bindir / name).exists()]
        if missing:
            found = ", ".join(sorted(glob.glob("/usr/lib/postgresql/*/bin"))) or "なし"
            raise ReplicaUnavailable(
                f"PostgreSQL {major} の {', '.join(missing)} が {bindir} にありません"
                f"（見つかったもの: {found}）。apt-get install postgresql-{major} で入ります。"
            )
        return bindir

    @staticmethod
    def _stop_stale_clusters(bindir, run_as):
        for owner in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*/owner"):
            pid = owner.read_text().strip()
            if not pid.isdigit() or _alive(int(pid)):
                continue
            data = owner.parent / "data"
            if (data / "postmaster.pid").exists():
                argv = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                if run_as is not None:
                    argv = ["runuser", "-u", run_as, "--", *argv]
                subprocess.run(argv, capture_output=True, timeout=60)
            shutil.rmtree(owner.parent, ignore_errors=True)

    @classmethod
    def _drop_stale_slots(cls, primary):
        """Slots of runs that are gone (their cluster, just stopped, lets go within a moment)."""
        rows = primary.execute(
            "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE %s",
            [SLOT_PREFIX.replace("_", r"\_") + "%"],
        ).fetchall()
        for (name,) in rows:
            pid = name.removeprefix(SLOT_PREFIX)
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(RuntimeError):  # a cluster we did not find still uses it
                cls._drop_slot(primary, name, timeout=5)

    @staticmethod
    def _drop_slot(primary, name, timeout=10):
        """Drop the slot once the replica's connection has let go of it (a moment after stop)."""
        deadline = time.monotonic() + timeout
        while True:
            row = primary.execute(
                "SELECT active FROM pg_replication_slots WHERE slot_name = %s", [name]
            ).fetchone()
            if row is None:
                return
            if not row[0]:
                primary.execute("SELECT pg_drop_replication_slot(%s)", [name])
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"replication slot {name} is still in use")
            time.sleep(0.1)

    @staticmethod
    def _allow_replication(primary):
        allowed = primary.execute(
            "SELECT count(*) FROM pg_hba_file_rules"
            " WHERE error IS NULL AND 'replication' = ANY(database)"
        ).fetchone()[0]
        if allowed:
            return
        hba_file = primary.execute("SHOW hba_file").fetchone()[0]
        if not os.access(hba_file, os.W_OK):
            raise ReplicaUnavailable(
                f"{hba_file} にレプリケーションの接続を許す行がありません。"
                f"「{HBA_LINE}」を加えて設定を読み直してください (SELECT pg_reload_conf())。"
            )
        with open(hba_file, "r+", encoding="utf-8") as hba:
            fcntl.flock(hba, fcntl.LOCK_EX)  # two test runs at once add it once
            if HBA_LINE not in hba.read():
                hba.write(f"\n{HBA_COMMENT}\n{HBA_LINE}\n")
        primary.execute("SELECT pg_reload_conf()")

    @staticmethod
    def _run_as():
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ReplicaUnavailable(
                "root では PostgreSQL を起動できず、postgres 利用者もいません。"
            ) from None
        if shutil.which("runuser") is None:
            raise ReplicaUnavailable("root で実行していますが runuser がありません。")
        return "postgres"

    def _run(self, command, check=True, timeout=120):
        program, *args = command
        argv = [str(self.bindir / program), *args]
        if self.run_as is not None:
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        env = {**os.environ, "PGPASSWORD": self.primary_params["password"] or ""}
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        if check and result.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)}: {result.returncode}\n{result.stderr}{result.stdout}\n{log}"
            )
        return result

    def _base_backup(self):
        command = [
            "pg_basebackup",
            *("-h", self.primary_params["host"], "-p", str(self.primary_params["port"])),
            *("-U", self.primary_params["user"], "-D", str(self.data)),
            *("-X", "stream", "-R", "-C", "-S", self.slot, "--checkpoint=fast", "--no-sync"),
        ]
        started = time.monotonic()
        deadline = started + 10
        while True:
            result = self._run(command, check=False, timeout=600)
            if result.returncode == 0:
                break
            # A pg_hba.conf line just added is read by the server a moment after the reload.
            if "pg_hba.conf" not in result.stderr or time.monotonic() > deadline:
                raise RuntimeError(f"pg_basebackup: {result.stderr}")
            shutil.rmtree(self.data, ignore_errors=True)
            time.sleep(0.2)
        self.figures["base_backup_seconds"] = time.monotonic() - started
        self.figures["base_backup_megabytes"] = sum(
            path.stat().st_size for path in self.data.rglob("*") if path.is_file()
        ) / (1024 * 1024)

    def _configure_and_start(self, minimums):
        """The copy holds the primary's data folder; the server's settings are given on the
        command line, which outranks any configuration file copied with it."""
        for name, text in {
            "postgresql.conf": "# settings: on the pg_ctl command line (tests/replica/cluster.py)\n",
            "replica_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "replica_ident.conf": "",
        }.items():
            path = self.data / name
            if name != "postgresql.conf" or not path.exists():
                path.write_text(text)
                if self.run_as is not None:
                    shutil.chown(path, user=self.run_as)
        options = {
            "port": self.port,
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.base),
            "hba_file": str(self.data / "replica_hba.conf"),
            "ident_file": str(self.data / "replica_ident.conf"),
            "hot_standby": "on",
            "ssl": "off",
            "fsync": "off",
            "logging_collector": "off",
            "archive_mode": "off",
            "shared_buffers": "32MB",
            "cluster_name": "kyodo-test-replica",
            **minimums,
        }
        flags = " ".join(f"-c {name}={value}" for name, value in options.items())
        self._run(
            ["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", flags, "-w", "start"],
            timeout=60,
        )

    def _wait_streaming(self):
        self._wait(
            lambda: self.execute("SELECT status FROM pg_stat_wal_receiver") == ("streaming",),
            "replica is not streaming",
        )

    def _wait(self, condition, failure, timeout=30, interval=0.05):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{failure} (log: {self.log})")
            time.sleep(interval)
