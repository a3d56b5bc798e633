#!/usr/bin/env bash
# Runs once when the primary's data directory is created (docker-entrypoint-initdb.d): the replication role,
# its pg_hba line, and pg_monitor for the application (the replica lag guard reads pg_stat_wal_receiver).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${REPLICATION_PASSWORD}'" \
  -c "GRANT pg_monitor TO ${POSTGRES_USER}"
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
