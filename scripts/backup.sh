#!/usr/bin/env bash
# `make backup` / `make restore FILE=...`: a consistent snapshot of the live database (pg_dump on
# PostgreSQL, SQLite's online backup API otherwise) plus the uploaded files (MEDIA_ROOT).
#   bash scripts/backup.sh backup [DIR]      -> DIR/mosprom-<UTC time>.{dump|sqlite3} and .media.tar.gz
#   bash scripts/backup.sh restore FILE      -> the database (and the media archive beside it, if any)
# Keep BACKUP_KEEP (default 14) newest backups in DIR. See docs/deploy.md for the recovery point.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export PYTHONPATH=${PYTHONPATH:-$PWD/src}
cmd=${1:-}
setting() { $PY -c "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','mosprom.settings');django.setup();from django.conf import settings;print($1)"; }
case "$cmd" in
  backup)
    dir=${2:-$(setting "settings.VAR_DIR")/backups}
    mkdir -p "$dir"
    ext=$(setting "'dump' if settings.DATABASES['default']['ENGINE'].endswith('postgresql') else 'sqlite3'")
    file="$dir/mosprom-$(date -u +%Y%m%d-%H%M%S).$ext"
    $PY manage.py db_backup "$file" >/dev/null
    media=$(setting "settings.MEDIA_ROOT")
    if [ -d "$media" ]; then tar -czf "$file.media.tar.gz" -C "$media" .; fi
    # Keep the newest BACKUP_KEEP backups.
    ls -1t "$dir"/mosprom-*."$ext" 2>/dev/null | tail -n +$(( ${BACKUP_KEEP:-14} + 1 )) | while read -r old; do
      rm -f "$old" "$old.media.tar.gz"
    done
    echo "$file"
    ;;
  restore)
    file=${2:?usage: scripts/backup.sh restore FILE}
    [ -f "$file" ] || { echo "no such backup: $file" >&2; exit 2; }
    $PY manage.py db_restore --yes "$file"
    if [ -f "$file.media.tar.gz" ]; then
      media=$(setting "settings.MEDIA_ROOT")
      mkdir -p "$media"
      tar -xzf "$file.media.tar.gz" -C "$media"
    fi
    ;;
  *)
    echo "usage: scripts/backup.sh backup [DIR] | restore FILE" >&2
    exit 2
    ;;
esac
