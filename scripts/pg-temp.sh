#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 and print the DATABASE_URL for it.
# Usage: eval "$(bash scripts/pg-temp.sh start)"; ...; bash scripts/pg-temp.sh stop "$PG_TEMP_DIR"
set -euo pipefail
cmd=${1:-start}
B=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$B" ] || { echo "PostgreSQL binaries not found" >&2; exit 3; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$cmd" = stop ]; then
  D=$2
  as_pg "$B/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$D"
  exit 0
fi
# 54329 unless taken (another cluster of ours may be running): then any free port.
PORT=${PG_TEMP_PORT:-$(python3 -c '
import socket
for port in [54329, 0]:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
')}
D=$(mktemp -d /tmp/mosprom-pg.XXXXXX)
chmod 755 "$D"
if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$D/data" "$D/sock" "$D/log"; else mkdir -p "$D/data" "$D/sock" "$D/log"; fi
as_pg "$B/initdb" -D "$D/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$D/initdb.log" 2>&1
as_pg "$B/pg_ctl" -D "$D/data" -l "$D/log/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT -k $D/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
as_pg "$B/psql" -h "$D/sock" -p "$PORT" -U postgres -q -c "CREATE ROLE mosprom LOGIN PASSWORD 'mosprom' CREATEDB" >/dev/null
as_pg "$B/psql" -h "$D/sock" -p "$PORT" -U postgres -q -c "CREATE DATABASE mosprom OWNER mosprom" >/dev/null
echo "export DATABASE_URL=postgres://mosprom:mosprom@127.0.0.1:$PORT/mosprom PG_TEMP_DIR=$D"
