"""`make backup` / `make restore` round-trip the demo data into a fresh PostgreSQL database:
every table has the same number of rows and a few records read back the same."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def url_for(settings_dict, name):
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def make(target, database_url, media, **variables):
    env = {**os.environ, "DATABASE_URL": database_url, "PRIVATE_MEDIA_ROOT": str(media)}
    args = ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in variables.items())]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def table_counts(database_url):
    with psycopg.connect(database_url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def rows(database_url, sql):
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_the_demo_data(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore need PostgreSQL")
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", verbosity=0)
    source = url_for(connection.settings_dict, connection.settings_dict["NAME"])
    media = Path(settings.PRIVATE_MEDIA_ROOT)  # the demo's uploads are there too
    (media / "proposals").mkdir(parents=True, exist_ok=True)
    (media / "proposals" / "a.pdf").write_bytes(b"%PDF-1.4 kyodo")
    fresh_name = f"{connection.settings_dict['NAME']}_restore"
    admin_url = url_for(connection.settings_dict, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
        conn.execute(f'CREATE DATABASE "{fresh_name}"')
    fresh = url_for(connection.settings_dict, fresh_name)
    try:
        dump = (
            make("backup", source, media, BACKUP_DIR=tmp_path / "backups").strip().splitlines()[-1]
        )
        assert Path(dump).is_file() and Path(dump).stat().st_mode & 0o077 == 0
        restored_media = tmp_path / "restored-media"
        make("restore", fresh, restored_media, FILE=dump)

        before, after = table_counts(source), table_counts(fresh)
        assert after == before
        assert before["cso_registry_cso"] >= 30 and before["kyodo_portal_user"] > 0
        for sql in (
            "SELECT id, name, status, version FROM cso_registry_cso ORDER BY id",
            "SELECT id, email, is_staff, password FROM kyodo_portal_user ORDER BY id",
            "SELECT id, cso_id, action, changes::text FROM cso_registry_csohistoryentry ORDER BY id",
        ):
            assert rows(fresh, sql) == rows(source, sql)
        assert (restored_media / "proposals" / "a.pdf").read_bytes() == b"%PDF-1.4 kyodo"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')


def test_restore_refuses_without_a_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nowhere"}
    result = subprocess.run(
        ["make", "--no-print-directory", "restore"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "復元するファイルを指定してください" in result.stderr


def test_backup_refuses_sqlite():
    env = {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3"}
    result = subprocess.run(
        ["make", "--no-print-directory", "backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PostgreSQL だけ" in result.stderr
