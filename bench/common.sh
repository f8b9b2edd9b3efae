# shellcheck shell=bash
# Shared by the bench scripts: settings, the Release build, the database and
# a private server on a free port. Source after scripts/common.sh.
#
# Reads: $1 connections (default 1000), $2 duration (default 30s),
#   BENCH_TARGETS  extra CMake targets to build (e.g. wh_ceiling),
#   BENCH_DB       database on run.sh's PostgreSQL (default wighaven, which
#                  run.sh creates); another name is created, migrated and
#                  seeded with BENCH_SEED_ARGS once. A DATABASE_URL given by
#                  the caller is used as it is.
#   WRK_THREADS    wrk threads (default 2).
# Sets CONNS, DURATION, WRK_THREADS, BIN, PORT, BENCH_TMP (a private
# directory) and BENCH_PIDS (processes stopped at exit, the server first).
# Defines wait_http, header_value, header, bench_wrk, wrk_stats, ms and check.
ensure_packages wrk curl

# wrk, the server and wh_ceiling each hold a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CONNS="${1:-1000}"
DURATION="${2:-30s}"
WRK_THREADS="${WRK_THREADS:-2}"
BIN="$ROOT/build/release/wighaven"
BENCH_DB="${BENCH_DB:-wighaven}"
BENCH_TMP="$(mktemp -d)"
BENCH_PIDS=()
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# The Release build of run.sh, brought up to date (quick when it is).
log "building (Release): wighaven ${BENCH_TARGETS:-}"
[ -f "$ROOT/build/release/CMakeCache.txt" ] ||
  cmake -S "$ROOT" -B "$ROOT/build/release" -DCMAKE_BUILD_TYPE=Release -DWH_BUILD_TESTS=OFF >/dev/null
# shellcheck disable=SC2086 # BENCH_TARGETS is a list of target names
cmake --build "$ROOT/build/release" -j "$(nproc)" --target wighaven ${BENCH_TARGETS:-} >/dev/null

if [ -z "${DATABASE_URL:-}" ]; then
  PG_PORT="${WH_LOCAL_PG_PORT:-54329}"
  start_pg "$(pg_data_dir pg)" "$PG_PORT"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$BENCH_DB"
  has_db="$(psql -X -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname='$BENCH_DB'")"
  if [ "$BENCH_DB" = wighaven ]; then
    [ "$has_db" = 1 ] || die "no database 'wighaven': run ./run.sh once (it creates and seeds it)"
  else
    [ "$has_db" = 1 ] || psql_admin "$PG_PORT" "CREATE DATABASE $BENCH_DB"
    "$BIN" migrate >/dev/null
    if [ "$(psql -X -tA "$DATABASE_URL" -c "SELECT count(*) FROM products")" = 0 ]; then
      log "seeding $BENCH_DB (once): ${BENCH_SEED_ARGS:-}"
      # shellcheck disable=SC2086 # BENCH_SEED_ARGS is a list of options
      "$BIN" seed ${BENCH_SEED_ARGS:-} 2>/dev/null
    fi
  fi
fi
export JWT_SECRET="${JWT_SECRET:-bench-secret-0123456789-0123456789-0123456789}"
PORT="$(free_port)"

# One load generator is one IP: the general per-IP limit would answer 429.
RATE_LIMITS=false ACCESS_LOG=0 DEBUG_QUERY_HEADERS=1 PORT="$PORT" HOST=127.0.0.1 "$BIN" serve >/tmp/wighaven-bench.log 2>&1 &
BENCH_PIDS+=($!)
wait_http() {
  for _ in $(seq 1 50); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}
wait_http "http://127.0.0.1:$PORT/healthz" || die "the server did not start: see /tmp/wighaven-bench.log"

# header_value <name> < headers: one header's value in a curl -D dump.
header_value() { tr -d '\r' | awk -F': ' -v n="$1" 'tolower($1)==tolower(n){print $2}'; }
# header <name> <curl args...>: one response header's value.
header() { curl -s -D - -o /dev/null "${@:2}" | header_value "$1"; }

# bench_wrk <wrk args...>: wrk at CONNS and DURATION, with percentiles.
bench_wrk() { BENCH_LUA_DIR="$ROOT/bench" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency "$@" 2>&1; }

# wrk_stats <wrk output>: "req/s p50 p99 errors"; errors are socket errors
# plus non-2xx/3xx answers (a fast 429 or 503 is not throughput).
wrk_stats() {
  awk '/Requests\/sec/{rps=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2}
       /Socket errors/{gsub(",","");e+=$4+$6+$8+$10} /Non-2xx/{e+=$NF}
       END{print rps, p50, p99, e+0}' <<<"$1"
}

# ms <wrk latency>: 812.00us, 3.10ms, 1.20s or 1.00m in milliseconds.
ms() {
  awk -v v="$1" 'BEGIN{n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) ; else if (v ~ /s$/) n*=1000;
                 else if (v ~ /m$/) n*=60000; printf "%.3f", n}'
}

# check <description> <awk condition>: a PASS or FAIL line; a FAIL sets
# BENCH_FAILED=1 (the scripts exit with it).
BENCH_FAILED=0
# shellcheck disable=SC2034 # BENCH_FAILED is read by the sourcing script
check() {
  if awk "BEGIN{exit !($2)}"; then echo "PASS  $1"; else echo "FAIL  $1"; BENCH_FAILED=1; fi
}
