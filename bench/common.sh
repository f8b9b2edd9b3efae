# shellcheck shell=bash
# Shared by the bench scripts: settings, the Release build, the database and
# a private server on a free port. Source after scripts/common.sh.
#
# Reads: $1 connections (default 1000), $2 duration (default 30s),
#   BENCH_TARGETS  extra CMake targets to build (e.g. wh_ceiling),
#   BENCH_NO_BUILD=1  skip the build: use the binaries under build/release
#                  as they are,
#   BENCH_DB       database on run.sh's PostgreSQL (default wighaven, which
#                  run.sh creates); another name is created, migrated and
#                  seeded with BENCH_SEED_ARGS once. A DATABASE_URL given by
#                  the caller is used as it is.
#   BENCH_ACCESS_LOG  the server's ACCESS_LOG (default 0),
#   BENCH_DEBUG_HEADERS  its DEBUG_QUERY_HEADERS (default 1: X-DB-* headers),
#   BENCH_SERVER_LOG  its output (default /tmp/wighaven-bench.log, appended),
#   BENCH_MANUAL=1 only define the helpers: the caller runs bench_build,
#                  bench_database and bench_start_server itself (bench/run.sh),
#   WRK_THREADS    wrk threads (default 2).
# Sets CONNS, DURATION, WRK_THREADS, BIN, PORT, SERVER_PID, BENCH_TMP (a
# private directory) and BENCH_PIDS (processes stopped at exit, the server
# first). Defines bench_build, bench_database, bench_pgss, bench_port,
# bench_start_server, bench_stop_server, wait_http, header_value, header,
# bench_wrk, wrk_stats, ms and check.
ensure_packages wrk curl

# wrk, the server and wh_ceiling each hold a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CONNS="${1:-1000}"
DURATION="${2:-30s}"
WRK_THREADS="${WRK_THREADS:-2}"
BIN="$ROOT/build/release/wighaven"
BENCH_DB="${BENCH_DB:-wighaven}"
BENCH_GIVEN_DATABASE_URL="${DATABASE_URL:-}"
BENCH_SERVER_LOG="${BENCH_SERVER_LOG:-/tmp/wighaven-bench.log}"
BENCH_TMP="$(mktemp -d)"
BENCH_PIDS=()
PORT=""
SERVER_PID=""
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# bench_build: the Release build of run.sh, brought up to date (quick when it
# is), unless BENCH_NO_BUILD=1.
bench_build() {
  if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
    log "BENCH_NO_BUILD=1: using build/release as it is"
    local target
    for target in wighaven ${BENCH_TARGETS:-}; do
      [ -x "$ROOT/build/release/$target" ] || die "build/release/$target is missing (BENCH_NO_BUILD=1)"
    done
    return 0
  fi
  log "building (Release): wighaven ${BENCH_TARGETS:-}"
  [ -f "$ROOT/build/release/CMakeCache.txt" ] ||
    cmake -S "$ROOT" -B "$ROOT/build/release" -DCMAKE_BUILD_TYPE=Release -DWH_BUILD_TESTS=OFF >/dev/null
  # shellcheck disable=SC2086 # BENCH_TARGETS is a list of target names
  cmake --build "$ROOT/build/release" -j "$(nproc)" --target wighaven ${BENCH_TARGETS:-} >/dev/null
}

# bench_database: exports DATABASE_URL: the caller's when it gave one, else
# BENCH_DB on run.sh's PostgreSQL (started if stopped), created, migrated and
# seeded with BENCH_SEED_ARGS when it is not run.sh's own `wighaven`.
bench_database() {
  if [ -n "$BENCH_GIVEN_DATABASE_URL" ]; then
    export DATABASE_URL="$BENCH_GIVEN_DATABASE_URL"
    return 0
  fi
  PG_PORT="${WH_LOCAL_PG_PORT:-54329}"
  start_pg "$(pg_data_dir pg)" "$PG_PORT"
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$BENCH_DB"
  local has_db
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
}

# bench_pgss: succeeds when pg_stat_statements counts the statements of
# DATABASE_URL's database, creating the extension there when the library is
# preloaded (shared_preload_libraries; a restart is needed to preload it).
bench_pgss() {
  local preload
  preload="$(psql -X -tA "$DATABASE_URL" -c "SHOW shared_preload_libraries" 2>/dev/null)" || return 1
  if [[ "$preload" != *pg_stat_statements* ]]; then
    log "pg_stat_statements is not preloaded: DB statement counts are n/a (to enable: ALTER SYSTEM SET" \
      "shared_preload_libraries = 'pg_stat_statements', then restart PostgreSQL)"
    return 1
  fi
  psql -X -q -tA "$DATABASE_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || {
    log "cannot create the pg_stat_statements extension: DB statement counts are n/a"
    return 1
  }
}

export JWT_SECRET="${JWT_SECRET:-bench-secret-0123456789-0123456789-0123456789}"

# bench_port: a free port below the ephemeral range, where wrk's thousands
# of client sockets cannot take it between this check and the bind (else
# free_port's).
bench_port() {
  local lo p
  lo="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 0)"
  if [ "${lo:-0}" -gt 12000 ]; then
    for _ in $(seq 1 50); do
      p=$((10000 + RANDOM % (lo - 10000)))
      port_free "$p" && { echo "$p"; return 0; }
    done
  fi
  free_port
}

# bench_start_server: our server on a free port of 127.0.0.1 (sets PORT and
# SERVER_PID; tries another port when the bind fails). One load generator is
# one IP: the general per-IP limit would answer 429, so rate limits are off.
bench_start_server() {
  local attempt
  for attempt in 1 2 3; do
    PORT="$(bench_port)"
    RATE_LIMITS=false ACCESS_LOG="${BENCH_ACCESS_LOG:-0}" DEBUG_QUERY_HEADERS="${BENCH_DEBUG_HEADERS:-1}" \
      PORT="$PORT" HOST=127.0.0.1 "$BIN" serve >>"$BENCH_SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
    wait_http "http://127.0.0.1:$PORT/healthz" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null && break # running but not answering
    log "the server exited on port $PORT (attempt $attempt)"
  done
  die "the server did not start: see $BENCH_SERVER_LOG"
}

# bench_stop_server: stops the server of bench_start_server.
bench_stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

wait_http() {
  for _ in $(seq 1 50); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}

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

if [ "${BENCH_MANUAL:-0}" != 1 ]; then
  bench_build
  bench_database
  : >"$BENCH_SERVER_LOG"
  bench_start_server
fi
