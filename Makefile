# 協働ポータル: `make run` serves the portal with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a development server: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: help install run migrate seed test test-fast lint format check clean backup restore loadtest bench seed-bench

help:
	@echo "make run    virtualenv, install, migrate, demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   the whole test suite (DATABASE_URL chooses PostgreSQL; SQLite otherwise)"
	@echo "make lint   ruff check and format check"
	@echo "make check  system checks, missing migrations, migrations that lock big tables"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 以上が必要です: PYTHON=python3.12 make ... で指定してください。")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo

run: seed
	@echo "協働ポータルを http://$(HOST):$(PORT)/ で起動します (Ctrl+C で終了)。"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py lint_migrations

# Backups (PostgreSQL only; DATABASE_URL names the database): custom-format pg_dump plus the
# uploaded files, into BACKUP_DIR. `make restore FILE=backups/kyodo-<stamp>.dump` replaces the
# database's contents with the dump (in one transaction) and puts the files back.
BACKUP_DIR ?= backups
backup:
	tools/backup.sh backup $(BACKUP_DIR)

restore:
	tools/backup.sh restore $(FILE)

# Load test (not in CI): 50 people for 2 minutes against gunicorn + PostgreSQL (database
# kyodo_loadtest, recreated); fails on any 5xx or a p95 above 1 s. LOADTEST_USERS,
# LOADTEST_DURATION, LOADTEST_DATABASE_URL, LOADTEST_WORKERS change it; LOADTEST_SIGNED_IN=1 logs
# everyone in first (every page rendered for a signed-in person).
loadtest: install
	tools/loadtest.sh

# Benchmark (issues 8 and 18; PostgreSQL; not in CI): `make seed-bench` (re)fills kyodo_bench_prefecture
# and kyodo_bench_national with seed_bench; `make bench` (seeding first if a database is empty)
# measures every key page through gunicorn — served to anonymous readers, and rendered for a reader,
# a CSO member and staff against the floor, at both scales — and writes the tables to
# bench-results/latest.md (issue 18's targets marked met or not; docs/bench.md).
# BENCH_SCALES="prefecture" limits it to one scale; see bench/run.py for the other knobs.
seed-bench: install
	$(PY) bench/run.py seed

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
