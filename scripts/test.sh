#!/usr/bin/env bash
# `make test`: everything the suite needs, then the whole suite on SQLite and on PostgreSQL.
# With CI=true nothing is skipped: a missing PostgreSQL or Chromium is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
CI=${CI:-false}
export PYTHONPATH=$PWD/src
start=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "ruff"
$BIN/ruff check .
$BIN/ruff format --check .
step "mypy"
$BIN/mypy
step "migrations are up to date"
$BIN/python manage.py makemigrations --check --dry-run
step "deploy check (production settings)"
DJANGO_SETTINGS_MODULE=mosprom.settings_production SECRET_KEY="ci-$(date +%s%N)-a-long-random-secret-key-for-check-deploy" \
  ALLOWED_HOSTS=mosprom.example $BIN/python manage.py check --deploy --fail-level WARNING

# Browser tests need Debian's Chromium.
# Two workers (pytest-xdist): the CI machine has 2 cores; each worker has its own test database.
# --dist loadfile: the tests of one file run on one worker, so the cluster tests (tests/cluster, PostgreSQL pass)
# share one cluster (xdist's loadgroup does not group them with pytest 9).
pytest_args=(-n "${PYTEST_WORKERS:-2}" --dist loadfile)
if [ -x /usr/bin/chromium ]; then
  export MOSPROM_E2E=1
else
  if [ "$CI" = true ]; then echo "CI=true but /usr/bin/chromium is missing: browser tests cannot run" >&2; exit 1; fi
  echo "WARNING: /usr/bin/chromium is missing; browser tests are left out of this local run (apt-get install chromium)." >&2
  pytest_args+=(-m "not e2e")
fi

# PostgreSQL: the DATABASE_URL given, or a throw-away cluster when the binaries are here.
pg_url=${DATABASE_URL:-}
pg_dir=""
if [ -z "$pg_url" ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  eval "$(bash scripts/pg-temp.sh start)"
  pg_url=$DATABASE_URL; pg_dir=$PG_TEMP_DIR
  trap 'bash scripts/pg-temp.sh stop "$pg_dir"' EXIT
fi
if [ -z "$pg_url" ]; then
  if [ "$CI" = true ]; then echo "CI=true but there is no PostgreSQL (DATABASE_URL unset, no binaries)" >&2; exit 1; fi
  echo "WARNING: no PostgreSQL here; the suite runs on SQLite only (install postgresql to run both)." >&2
fi

step "pytest on SQLite"
env -u DATABASE_URL $BIN/pytest "${pytest_args[@]}"
if [ -n "$pg_url" ]; then
  step "pytest on PostgreSQL"
  DATABASE_URL=$pg_url $BIN/pytest "${pytest_args[@]}"
fi
step "done"
