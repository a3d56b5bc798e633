#!/usr/bin/env bash
# The production topology on one machine (127.0.0.1), from Debian's packages and the lock file only:
#   PostgreSQL 15 primary + streaming replica (pg_basebackup -R), Redis (redis-server),
#   two gunicorn web nodes, two RQ workers, the periodic scheduler (manage.py run_periodic).
#
#   scripts/cluster.sh up       start everything (creates the data on first use), print the addresses
#   scripts/cluster.sh status   what runs, the replica's lag, the queue length
#   scripts/cluster.sh down     stop everything (data kept in $CLUSTER_DIR)
#   scripts/cluster.sh clean    down, then delete $CLUSTER_DIR
#   scripts/cluster.sh processes   start any web node, worker or the scheduler that is not running
#   scripts/cluster.sh restart-redis   stop Redis (it writes its append-only file) and start it again
#   scripts/cluster.sh env      print the environment of the nodes (eval it to run manage.py against the cluster)
#   scripts/cluster.sh commands print each process's command line (deploy/ must run the same: tests/cluster)
#
# Settings (environment): CLUSTER_DIR (var/cluster), CLUSTER_PORT_BASE (55400: web nodes +1 and +2, primary +32,
# replica +33, Redis +79), WEB_WORKERS (gunicorn workers per node, 2), EMAIL_URL (files in $CLUSTER_DIR/mail),
# CLUSTER_PG_FAST=1 (fsync off: throw-away clusters of the tests), CLUSTER_PG_MAX_CONNECTIONS (100; the rush of
# scripts/cluster_rush.py opens one per client on top of the nodes'). deploy/ holds the same processes as systemd
# units and a compose file.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
cmd=${1:-status}
DIR=$(realpath -m "${CLUSTER_DIR:-$ROOT/var/cluster}")
BASE=${CLUSTER_PORT_BASE:-55400}
WEB1=$((BASE + 1)) WEB2=$((BASE + 2)) PGP=$((BASE + 32)) PGR=$((BASE + 33)) REDIS=$((BASE + 79))
WEB_WORKERS=${WEB_WORKERS:-2}
PY=$ROOT/.venv/bin/python
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
REDIS_SERVER=$(command -v redis-server || true)
start=$(date +%s%N)

# What each process runs. deploy/ (systemd units, compose.yaml, Dockerfile) runs the same commands with the same
# settings; tests/cluster/test_deploy_files.py compares them with `scripts/cluster.sh commands`.
WEB_ARGS=(mosprom.wsgi --timeout 60 --graceful-timeout 10)
# SimpleWorker: jobs run in the worker's process, no fork per job (55 → 11 ms of CPU per e-mail sent; 140 → 29 ms
# per confirmation rendered and sent); core.task_backends refreshes database connections around each job.
WORKER_ARGS=(manage.py rqworker default --job-class django_tasks_rq.backend.Job --worker-class rq.worker.SimpleWorker
  --with-scheduler)
SCHEDULER_ARGS=(manage.py run_periodic)
PG_SETTINGS=(wal_level=replica max_wal_senders=5 hot_standby=on hot_standby_feedback=on)
BASEBACKUP_ARGS=(-R -X stream -c fast)
REDIS_ARGS=(--appendonly yes --appendfsync everysec --save "")

elapsed() { local ms=$(( ($(date +%s%N) - start) / 1000000 )); printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100)); }
say() { printf 'cluster [%6ss] %s\n' "$(elapsed)" "$*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
http_ok() { "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$1" >/dev/null 2>&1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_env() {
  cat <<EOF
export DJANGO_SETTINGS_MODULE=mosprom.settings_production PYTHONPATH=$ROOT/src
export SECRET_KEY=cluster-$(cat "$DIR/secret" 2>/dev/null || echo unset) ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$WEB1,http://127.0.0.1:$WEB2
export DATABASE_URL=postgres://mosprom:mosprom@127.0.0.1:$PGP/mosprom
export REPLICA_DATABASE_URL=postgres://mosprom:mosprom@127.0.0.1:$PGR/mosprom
export REDIS_URL=redis://127.0.0.1:$REDIS/0 CACHE_URL=redis://127.0.0.1:$REDIS/1 TASKS_BACKEND=rq
export EMAIL_URL=${EMAIL_URL:-filemail://$DIR/mail} MOSPROM_VAR_DIR=$DIR/var SITE_URL=http://127.0.0.1:$WEB1
export OUTBOX_CLAIM_TIMEOUT_SECONDS=${OUTBOX_CLAIM_TIMEOUT_SECONDS:-300} OUTBOX_SWEEP_GRACE_SECONDS=${OUTBOX_SWEEP_GRACE_SECONDS:-60}
export RATE_LIMITS_ENABLED=${RATE_LIMITS_ENABLED:-true} REPLICA_MAX_LAG_SECONDS=${REPLICA_MAX_LAG_SECONDS:-5}
export CLUSTER_DIR=$DIR CLUSTER_WEB_URLS=http://127.0.0.1:$WEB1,http://127.0.0.1:$WEB2
export CLUSTER_PG_PRIMARY_PORT=$PGP CLUSTER_PG_REPLICA_PORT=$PGR CLUSTER_REDIS_PORT=$REDIS
EOF
}

pg_opts() {
  local o="-c listen_addresses=127.0.0.1 -p $1 -k $DIR/pg/sock -c max_connections=${CLUSTER_PG_MAX_CONNECTIONS:-100}" setting
  # A new replica syncs its data directory once before recovery: one syncfs() instead of an fsync() per file.
  o+=" -c recovery_init_sync_method=syncfs"
  for setting in "${PG_SETTINGS[@]}"; do o+=" -c $setting"; done
  [ "${CLUSTER_PG_FAST:-0}" = 1 ] && o+=" -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
  echo "$o"
}

pg_start() {  # data-dir port
  if as_pg "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1; then return 0; fi
  as_pg "$PGBIN/pg_ctl" -D "$1" -l "$DIR/log/$(basename "$1").log" -w -t 60 -o "$(pg_opts "$2")" start >/dev/null
}

redis_start() {
  redis-cli -p "$REDIS" ping >/dev/null 2>&1 && return 0
  "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS" --dir "$DIR/redis" "${REDIS_ARGS[@]}" --daemonize yes --pidfile "$DIR/run/redis.pid" --logfile "$DIR/log/redis.log"
  for _ in $(seq 100); do redis-cli -p "$REDIS" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  die "redis did not start"
}

up() {
  [ -n "$PGBIN" ] || die "PostgreSQL binaries not found (apt-get install postgresql)"
  [ -n "$REDIS_SERVER" ] || die "redis-server not found (apt-get install redis-server)"
  [ -x "$PY" ] || die "no virtualenv: run 'make install' first"
  mkdir -p "$DIR"/{run,log,mail,var,redis}
  chmod 755 "$DIR"
  [ -f "$DIR/secret" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$DIR/secret"
  if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$DIR/pg" "$DIR/pg/sock"; chown postgres "$DIR/log"; else mkdir -p "$DIR/pg/sock"; fi
  # Node processes write their logs here too (root or the invoking user).
  chmod 1777 "$DIR/log"
  eval "$(node_env)"

  # 1. PostgreSQL primary: a role for the application, one for replication.
  if [ ! -f "$DIR/pg/primary/PG_VERSION" ]; then
    say "initdb primary"
    as_pg "$PGBIN/initdb" -D "$DIR/pg/primary" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 >"$DIR/log/initdb.log" 2>&1
    echo "host replication replicator 127.0.0.1/32 scram-sha-256" | as_pg tee -a "$DIR/pg/primary/pg_hba.conf" >/dev/null
  fi
  pg_start "$DIR/pg/primary" "$PGP"
  if [ "$(as_pg "$PGBIN/psql" -h "$DIR/pg/sock" -p "$PGP" -U postgres -Atc "SELECT count(*) FROM pg_roles WHERE rolname = 'mosprom'")" = 0 ]; then
    as_pg "$PGBIN/psql" -h "$DIR/pg/sock" -p "$PGP" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE mosprom LOGIN PASSWORD 'mosprom' CREATEDB" \
      -c "CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'replicator'" \
      -c "GRANT pg_monitor TO mosprom" \
      -c "CREATE DATABASE mosprom OWNER mosprom" >/dev/null
  fi
  say "primary on 127.0.0.1:$PGP"

  # 2-4 side by side (one after the other they took 50 s of the minute and a half on a busy 2-core machine):
  # 2. Static files (whitenoise): no database needed.
  "$PY" manage.py collectstatic --noinput >"$DIR/log/collectstatic.log" 2>&1 &
  local static_pid=$!
  # 3. The streaming replica: a base backup of the primary with its recovery settings (-R), taken before the
  #    schema is migrated; the replica receives the migration through the WAL like any later change.
  (
    if [ ! -f "$DIR/pg/replica/PG_VERSION" ]; then
      as_pg env PGPASSWORD=replicator "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGP" -U replicator \
        -D "$DIR/pg/replica" "${BASEBACKUP_ARGS[@]}" >"$DIR/log/basebackup.log" 2>&1
    fi
    pg_start "$DIR/pg/replica" "$PGR"
  ) &
  local replica_pid=$!
  # 4. The schema, on the primary only.
  "$PY" manage.py migrate --noinput >"$DIR/log/migrate.log" 2>&1 || { tail -20 "$DIR/log/migrate.log"; die "migrate failed"; }
  say "migrated"
  wait "$replica_pid" || { tail -20 "$DIR/log/basebackup.log" "$DIR/log/replica.log"; die "the replica did not start"; }
  say "replica on 127.0.0.1:$PGR (streaming from the primary)"

  # 5. Redis: append-only file, so queued jobs survive a restart.
  redis_start
  say "redis on 127.0.0.1:$REDIS"

  # 6. The processes, once the static files are collected.
  wait "$static_pid" || { tail -20 "$DIR/log/collectstatic.log"; die "collectstatic failed"; }
  processes
  echo "cluster up in $(elapsed)s; environment: scripts/cluster.sh env" >&2
}

processes() {  # start whichever web node, worker or scheduler is not running, and wait for the web nodes
  eval "$(node_env)"
  local i port
  for i in 1 2; do
    port=$((BASE + i))
    # --capture-output: Django's log (stderr) goes to the node's log file, not to the daemon's /dev/null.
    alive "$DIR/run/web$i.pid" || "$ROOT/.venv/bin/gunicorn" "${WEB_ARGS[@]}" -w "$WEB_WORKERS" -b "127.0.0.1:$port" \
      --daemon --pid "$DIR/run/web$i.pid" --error-logfile "$DIR/log/web$i.log" --access-logfile "$DIR/log/web$i.access.log" \
      --capture-output --name "mosprom-web$i"
    alive "$DIR/run/worker$i.pid" || {
      # A name of its own per start: a worker that died keeps its name registered in Redis for minutes.
      nohup "$PY" "${WORKER_ARGS[@]}" --name "mosprom-worker$i-$(date +%s)" >"$DIR/log/worker$i.log" 2>&1 &
      echo $! >"$DIR/run/worker$i.pid"
    }
  done
  alive "$DIR/run/scheduler.pid" || {
    nohup "$PY" "${SCHEDULER_ARGS[@]}" >"$DIR/log/scheduler.log" 2>&1 &
    echo $! >"$DIR/run/scheduler.pid"
  }
  for i in 1 2; do
    port=$((BASE + i))
    for _ in $(seq 300); do  # up to a minute on a busy machine
      http_ok "http://127.0.0.1:$port/api/v1/tours" && break
      sleep 0.2
    done
    http_ok "http://127.0.0.1:$port/api/v1/tours" || { tail -30 "$DIR/log/web$i.log"; die "web node $i is not answering"; }
  done
  say "web nodes on http://127.0.0.1:$WEB1 and http://127.0.0.1:$WEB2; 2 RQ workers; scheduler"
}

stop_pid() {  # pid-file [signal]
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -"${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

down() {
  [ -d "$DIR" ] || return 0
  local p
  for p in scheduler web1 web2 worker1 worker2; do  # all at once (workers finish the job in hand), then wait
    [ -f "$DIR/run/$p.pid" ] && kill -TERM "$(cat "$DIR/run/$p.pid")" 2>/dev/null || true
  done
  for p in scheduler web1 web2 worker1 worker2; do stop_pid "$DIR/run/$p.pid"; done
  redis-cli -p "$REDIS" shutdown >/dev/null 2>&1 || true
  stop_pid "$DIR/run/redis.pid"
  if [ -n "$PGBIN" ]; then
    for d in replica primary; do
      [ -f "$DIR/pg/$d/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/$d" -m fast -w stop >/dev/null 2>&1 || true
    done
  fi
  say "down"
}

status() {
  local rc=0 i
  eval "$(node_env)"
  for d in primary replica; do
    if [ -n "$PGBIN" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/$d" status >/dev/null 2>&1; then echo "postgres $d: running"; else echo "postgres $d: stopped"; rc=1; fi
  done
  if redis-cli -p "$REDIS" ping >/dev/null 2>&1; then echo "redis: running (queue default: $(redis-cli -p "$REDIS" llen rq:queue:default) jobs)"; else echo "redis: stopped"; rc=1; fi
  for p in web1 web2 worker1 worker2 scheduler; do
    if alive "$DIR/run/$p.pid"; then echo "$p: running (pid $(cat "$DIR/run/$p.pid"))"; else echo "$p: stopped"; rc=1; fi
  done
  if [ $rc = 0 ]; then
    echo "replica lag: $(PGPASSWORD=mosprom "$PGBIN/psql" -h 127.0.0.1 -p "$PGR" -U mosprom -d mosprom -Atc \
      "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END")s"
  fi
  return $rc
}

commands() {  # one line per process: its name, then the command and arguments it runs (shell-quoted)
  printf 'web:'; printf ' %q' gunicorn "${WEB_ARGS[@]}"; echo
  printf 'worker:'; printf ' %q' python "${WORKER_ARGS[@]}"; echo
  printf 'scheduler:'; printf ' %q' python "${SCHEDULER_ARGS[@]}"; echo
  printf 'postgres:'; printf ' -c %q' "${PG_SETTINGS[@]}"; echo
  printf 'replica:'; printf ' %q' pg_basebackup "${BASEBACKUP_ARGS[@]}"; echo
  printf 'redis:'; printf ' %q' redis-server "${REDIS_ARGS[@]}"; echo
  echo "ports: web1=$WEB1 web2=$WEB2 primary=$PGP replica=$PGR redis=$REDIS"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  clean) down; rm -rf "$DIR" ;;
  processes) processes ;;
  restart-redis) redis-cli -p "$REDIS" shutdown >/dev/null 2>&1 || true; stop_pid "$DIR/run/redis.pid"; redis_start; say "redis restarted" ;;
  status) status ;;
  env) node_env ;;
  commands) commands ;;
  *) echo "usage: $0 up|down|status|clean|processes|restart-redis|env|commands" >&2; exit 2 ;;
esac
