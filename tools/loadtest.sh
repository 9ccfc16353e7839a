#!/usr/bin/env bash
# `make loadtest`: a fresh PostgreSQL database with the demo data plus the prefecture-scale bench
# data (seed_bench: 3,000 CSOs, 5,000 proposals), LOADTEST_USERS accounts (each a member of a
# published CSO), gunicorn in production settings (DEBUG off, plain HTTP
# on 127.0.0.1), then tools/loadtest.py. Not part of CI. LOADTEST_USERS (50), LOADTEST_DURATION
# (120 s), LOADTEST_THINK (mean pause between clicks, 1 s; 0 = no pause), LOADTEST_WORKERS,
# LOADTEST_PORT (8095), LOADTEST_DATABASE_URL (…/kyodo_loadtest, dropped and recreated) and
# LOADTEST_SIGNED_IN=1 (every person logs in first and reads every page signed in).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
USERS="${LOADTEST_USERS:-50}"
DURATION="${LOADTEST_DURATION:-120}"
PORT="${LOADTEST_PORT:-8095}"
DB_URL="${LOADTEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kyodo_loadtest}"
DB_NAME="${DB_URL##*/}"
ADMIN_URL="${DB_URL%/*}/postgres"
WORK="$(mktemp -d)"
trap 'kill "${GUNICORN_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "== データベース $DB_NAME を作り直します"
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" -c "CREATE DATABASE \"$DB_NAME\""
export DATABASE_URL="$DB_URL" PRIVATE_MEDIA_ROOT="$WORK/private-media" STATIC_ROOT="$WORK/static"
DEBUG=1 $PY manage.py migrate --noinput -v0
DEBUG=1 $PY manage.py seed_demo >/dev/null
DEBUG=1 $PY manage.py seed_bench --scale "${LOADTEST_SCALE:-prefecture}" --append
DEBUG=1 LOADTEST_USERS="$USERS" $PY manage.py shell -c '
import os
from cso_registry.models import CSO, Membership
from kyodo_portal.demo import demo_user
from kyodo_portal.roles import Role
csos = list(CSO.objects.public().order_by("pk"))
for n in range(int(os.environ["LOADTEST_USERS"])):
    user = demo_user(f"load{n}@example.jp", full_name=f"負荷 試験{n}", role=Role.CSO_MEMBER)
    Membership.objects.get_or_create(
        user=user, cso=csos[n % len(csos)],
        defaults={"role": Membership.Role.MEMBER, "status": Membership.Status.ACTIVE},
    )
print(f"負荷試験用のアカウント {len(csos) and n + 1} 件")
'
DEBUG=0 SECRET_KEY=loadtest $PY manage.py collectstatic --noinput -v0

echo "== gunicorn (127.0.0.1:$PORT)"
WORKERS="${LOADTEST_WORKERS:-$(( $(nproc) * 2 + 1 ))}"
DEBUG=0 SECRET_KEY="loadtest-$(date +%s)-secret-key-not-for-production" ALLOWED_HOSTS=127.0.0.1 \
  SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
  EMAIL_BACKEND=file EMAIL_FILE_PATH="$WORK/mail" LOG_LEVEL=WARNING \
  .venv/bin/gunicorn kyodo_portal.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers "$WORKERS" --threads 2 --access-logfile - --log-level warning \
  >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/gunicorn.log"; exit 1; }

echo "== $USERS 人で $DURATION 秒 (workers $WORKERS)"
status=0
$PY tools/loadtest.py --base "http://127.0.0.1:$PORT" --users "$USERS" --duration "$DURATION" \
  --think "${LOADTEST_THINK:-1}" ${LOADTEST_SIGNED_IN:+--signed-in} || status=$?
if grep -q " 50[0-9] " "$WORK/gunicorn.log"; then
  echo "== 5xx を返したリクエスト"; grep " 50[0-9] " "$WORK/gunicorn.log" | head -20
fi
grep -i "error\|traceback" "$WORK/gunicorn.log" | grep -v '" [234][0-9][0-9] ' | head -20 || true
exit $status
