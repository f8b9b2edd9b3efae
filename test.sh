#!/usr/bin/env bash
# Installs what is missing, builds the test build (ASan/UBSan), starts a
# throwaway PostgreSQL on a free port, prepares the test databases and runs
# every test through ctest. Exits non-zero on any failure. Extra arguments go
# to ctest, e.g. `./test.sh -R Pool` runs only the matching tests.
source "$(dirname "$0")/scripts/common.sh"

ensure_packages
ensure_node
PROMTOOL="$(ensure_promtool)"
log "building (tests, ASan/UBSan)"
# -g1: line tables for sanitizer and gdb backtraces without the full debug
# info, which made a third of the compile time (CI must fit in 30 minutes).
build "$ROOT/build/test" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DWH_SANITIZE=ON -DWH_BUILD_TESTS=ON
BIN="$ROOT/build/test/wighaven"

PG_PORT="$(free_port)"
DATA="$(pg_data_dir "test-pg-$PG_PORT")"
cleanup() {
  stop_pg "$DATA"
  rm -rf "$DATA" "$ROOT/var/test-pg-$PG_PORT"
}
trap cleanup EXIT
log "throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
start_pg "$DATA" "$PG_PORT"

ADMIN_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
# wh_template: migrated + seeded; tests clone it. wh_catalog: a read-only copy.
psql_admin "$PG_PORT" "CREATE DATABASE wh_template"
DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/wh_template" "$BIN" migrate >/dev/null
DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/wh_template" "$BIN" seed \
  --products 300 --categories 12 --customers 20 --orders 150 >/dev/null
psql_admin "$PG_PORT" "CREATE DATABASE wh_catalog TEMPLATE wh_template"

export WH_TEST_ADMIN_URL="$ADMIN_URL"
export WH_TEST_PG_PORT="$PG_PORT"
export WH_TEST_TEMPLATE_DB="wh_template"
export WH_TEST_CATALOG_DB="wh_catalog"
export WH_TEST_BINARY="$BIN"
export WH_PROMTOOL="$PROMTOOL"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

log "running tests"
cd "$ROOT/build/test"
ctest --output-on-failure -j "$(nproc)" --timeout 300 "$@"
