# Mosprom — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export PYTHONPATH := $(abspath src)

.PHONY: run test install lint format messages demo clean bench backup restore cluster cluster-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"

$(VENV)/.installed: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --frozen --quiet
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, load the demo data, serve http://127.0.0.1:8000 with the task worker.
run: install
	bash scripts/run.sh

## make test: lint, types, migrations check, deploy check, the suite on SQLite and on PostgreSQL.
test: install
	bash scripts/test.sh

## make bench: every benchmark on PostgreSQL at a reduced scale (the full data set, fewer rounds and rush
## attempts: about 10 minutes), then docs/performance.md; make bench SCALE=full for every round (or SCALE=0.1 for
## a tenth of the data). Starts a throw-away PostgreSQL unless DATABASE_URL is set.
SCALE ?= reduced
bench: install
	$(BIN)/python bench/run_all.py --scale $(SCALE)

## make cluster: the production topology on 127.0.0.1 from Debian's packages — PostgreSQL primary + streaming
## replica, Redis, two gunicorn web nodes, two RQ workers, the scheduler (scripts/cluster.sh; `scripts/cluster.sh
## status|down|clean` to look at it or stop it).
cluster: install
	bash scripts/cluster.sh up

## make cluster-bench: the booking rush of bench/booking_rush.py against a throw-away cluster — one web node, then
## both — with its figures into docs/performance.md between the cluster markers (scripts/cluster_rush.py, ~5 min).
cluster-bench: install
	$(BIN)/python scripts/cluster_rush.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-extract and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: install
	cd src/mosprom && ../../$(BIN)/python ../../manage.py makemessages -l ru -l en --no-obsolete --ignore "static/*"
	cd src/mosprom && ../../$(BIN)/python ../../manage.py compilemessages

## make backup: a consistent snapshot of the live database (+ media) in var/backups (docs/deploy.md).
backup: install
	bash scripts/backup.sh backup $(DIR)

## make restore FILE=var/backups/mosprom-<time>.<ext>: put a backup back (everything written since is lost).
restore: install
	bash scripts/backup.sh restore $(FILE)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
