#!/usr/bin/env bash
# Installs what is missing, builds, prepares the database and serves the API.
# Without DATABASE_URL a private PostgreSQL 15 runs under var/ (reused on the
# next run), is migrated and gets the demo shop once.
source "$(dirname "$0")/scripts/common.sh"

ensure_packages
log "building (Release)"
build "$ROOT/build/release" -DCMAKE_BUILD_TYPE=Release -DWH_BUILD_TESTS=OFF
BIN="$ROOT/build/release/wighaven"

if [ -z "${DATABASE_URL:-}" ]; then
  PG_PORT="${WH_LOCAL_PG_PORT:-54329}"
  DATA="$(pg_data_dir pg)"
  log "local PostgreSQL in $DATA on 127.0.0.1:$PG_PORT"
  start_pg "$DATA" "$PG_PORT"
  psql_admin "$PG_PORT" "SELECT 1" >/dev/null
  if ! psql -X -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "SELECT 1 FROM pg_database WHERE datname='wighaven'" | grep -q 1; then
    psql_admin "$PG_PORT" "CREATE DATABASE wighaven"
  fi
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/wighaven"
  SEED=1
else
  SEED="${WH_SEED:-0}"
fi

log "migrating"
"$BIN" migrate
if [ "$SEED" = "1" ]; then
  log "seeding the demo shop (skipped when it already has products)"
  "$BIN" seed ${WH_SEED_ARGS:-}
fi

export PORT="${PORT:-7860}"
export JWT_SECRET="${JWT_SECRET:-local-development-secret-change-me-please-0123456789}"
log "serving on http://localhost:$PORT  (try: curl localhost:$PORT/api/products)"
log "demo admin login: admin@wighaven.local / Admin@12345"
exec "$BIN" serve
