#!/usr/bin/env bash
# 協働ポータル: back up or restore the PostgreSQL database (pg_dump custom format) and the
# uploaded files (PRIVATE_MEDIA_ROOT, or the private/ prefix of S3_BUCKET when the portal keeps its
# files in object storage). Used by `make backup` and `make restore`.
#
#   tools/backup.sh backup  [DIR]        -> DIR/kyodo-<stamp>.dump and DIR/kyodo-<stamp>-files.tar.gz
#   tools/backup.sh restore FILE.dump    -> replaces the database of DATABASE_URL with FILE.dump
#                                           (and the files from FILE-files.tar.gz when present)
set -euo pipefail

die() { echo "tools/backup.sh: $*" >&2; exit 1; }

[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL を設定してください (postgres://user:pass@host:5432/name)。"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) die "バックアップは PostgreSQL だけが対象です (DATABASE_URL=$DATABASE_URL)。" ;;
esac
cd "$(dirname "$0")/.."
MEDIA="${PRIVATE_MEDIA_ROOT:-private-media}"
PYTHON="${PYTHON:-.venv/bin/python}"
# Files in object storage are read and written through the portal's own storage settings
# (manage.py files_backup): the archive has the same layout as one of the folder.

case "${1:-}" in
  backup)
    dir="${2:-backups}"
    mkdir -p "$dir"
    umask 077  # personal data: readable by the owner only
    stamp="$(date +%Y%m%d-%H%M%S)"
    dump="$dir/kyodo-$stamp.dump"
    pg_dump --format=custom --no-owner --no-privileges --file="$dump" "$DATABASE_URL"
    pg_restore --list "$dump" >/dev/null  # the archive is readable
    if [ -n "${S3_BUCKET:-}" ]; then
      "$PYTHON" manage.py files_backup backup "$dir/kyodo-$stamp-files.tar.gz" >/dev/null
    elif [ -d "$MEDIA" ]; then
      tar -czf "$dir/kyodo-$stamp-files.tar.gz" -C "$MEDIA" .
    fi
    echo "$dump"
    ;;
  restore)
    dump="${2:-}"
    [ -f "$dump" ] || die "復元するファイルを指定してください: make restore FILE=backups/kyodo-....dump"
    pg_restore --list "$dump" >/dev/null || die "$dump は pg_dump の custom 形式ではありません。"
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
      --exit-on-error --dbname="$DATABASE_URL" "$dump"
    files="${dump%.dump}-files.tar.gz"
    if [ -f "$files" ] && [ -n "${S3_BUCKET:-}" ]; then
      "$PYTHON" manage.py files_backup restore "$files" >/dev/null
    elif [ -f "$files" ]; then
      mkdir -p "$MEDIA"
      tar -xzf "$files" -C "$MEDIA"
    fi
    echo "復元しました: $dump"
    ;;
  *)
    die "使い方: tools/backup.sh backup [DIR] | tools/backup.sh restore FILE.dump"
    ;;
esac
