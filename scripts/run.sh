#!/usr/bin/env bash
# `make run`: migrate, load the demo data, then serve with the task worker and the periodic scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG=${DEBUG:-true}
mkdir -p var
$PY manage.py migrate --noinput
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
