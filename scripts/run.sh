#!/usr/bin/env bash
# `make run`: migrate, load the demo data, then serve with the task worker and the periodic scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Styled error pages, like production; `DEBUG=true make run` shows Django's technical pages instead.
export DEBUG=${DEBUG:-false}
# The demo mailbox (/dev/mailbox/) shows every e-mail; delivery writes files, not MIME into this terminal.
export DEMO_MAILBOX=${DEMO_MAILBOX:-true}
export EMAIL_URL=${EMAIL_URL:-filemail://$PWD/var/mail}
mkdir -p var/mail
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
$PY manage.py db_worker --interval 1 & pids+=($!)
$PY manage.py run_periodic & pids+=($!)
echo
echo "Mosprom is running at http://127.0.0.1:8000  (demo mailbox: http://127.0.0.1:8000/dev/mailbox/)"
echo "Press Ctrl-C to stop the server and the task worker."
$PY manage.py runserver 127.0.0.1:8000
