#!/usr/bin/env bash
# The benchmark, in one command (issue 12).
#
#   bench/run.sh [--quick] [--conns 100,1000,5000] [--duration 20s]
#                [--sizes 1000[,10000,100000]] [--scenarios a,b,...]
#                [--url URL] [--out DIR]
#
# Builds (unless BENCH_NO_BUILD=1), then for each catalog size: a database
# wh_bench_<size> on run.sh's PostgreSQL (created, migrated and seeded with
# `wighaven seed --products <size>` once; a DATABASE_URL given is used as it
# is), our server on a free port of 127.0.0.1 as production runs it (access
# log on, response cache on, no debug headers; rate limits off: wrk is one
# IP) and a fake Paystack (BENCH_PAYSTACK_MS, default 300 ms). Every scenario
# runs with wrk at each connection count:
#   ceiling           a minimal server on our HTTP stack (bench/ceiling.cc,
#                     wh_ceiling) writing the hot listing's bytes
#   nginx             nginx (Debian package) serving the same bytes from a file
#   ceiling_tiny      wh_ceiling writing /healthz's bytes
#   healthz           GET /healthz through our whole pipeline
#   listing_hot       GET /api/products (one hot URL)
#   listing_rotation  every page of every sort and category
#   product_detail    GET /api/products/<id> over every active product
#   page_load         categories, banners, public settings, currency rates
#   me                GET /api/auth/me as the seeded customer
#   session           browse, search, product, add to cart, view cart
#   orders            POST /api/orders, one pre-made guest cart each
#   verify            POST /api/orders/<n>/verify-payment (the fake answers
#                     after BENCH_PAYSTACK_MS)
#   webhook           POST /webhook/paystack, signed charge.success events
#   admin_dashboard   GET /api/admin/dashboard/snapshot as the admin, and its
#                     first answer after an order event
# Reads ask for brotli, as browsers do. Per run: req/s, p50/p90/p99/max,
# errors by kind, DB statements per 1000 requests (pg_stat_statements), peak
# DB connections, RSS and CPU of the serving process, machine CPU busy.
# Progress goes to stderr; results to DIR (default bench/results):
# <stamp>.json and <stamp>.md, copied to latest.json and latest.md, and the
# chart scale.svg (bench/report.py). The Markdown is also printed.
#
#   --quick       1000 connections, 15 s: ceiling, nginx, listing_hot,
#                 page_load and me (about 2 minutes after the build)
#   --url URL     target a running server instead: nothing is started or
#                 seeded; DB figures only with DATABASE_URL; orders, verify
#                 and webhook are skipped (they need the fake Paystack);
#                 RSS/CPU with BENCH_SERVER_PID
# Environment: WRK_THREADS (2), BENCH_THINK_MS (0: closed loop),
# BENCH_WARMUP (an unrecorded wrk run before listing_rotation, product_detail
# and session; default the duration, 0 skips), BENCH_WARM=1 (also fetch every
# rotation/detail URL once first), BENCH_PAYSTACK_MS,
# BENCH_TALLY=0 (no status/X-Cache counting in wrk), BENCH_EMAIL and
# BENCH_PASSWORD (the `me` user), the server's own settings (DB_POOL_SIZE,
# WH_THREADS, ...; OUTBOUND_MAX_PER_HOST defaults to 1000 here, as in
# bench/order_create.sh: the fake stands in for a remote provider).
# orders, verify and webhook write to the bench database (orders, carts,
# payment events; variant stock raised for the cart variants).
ARGS="$*"
ALL_SCENARIOS=(ceiling nginx ceiling_tiny healthz listing_hot listing_rotation product_detail page_load me session
  orders verify webhook admin_dashboard)
QUICK=0
CONNS_LIST=""
DURATION_OPT=""
SIZES="1000"
SCENARIOS=""
TARGET_URL=""
OUT=""
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --conns) CONNS_LIST="${2:?--conns needs a list}"; shift ;;
    --duration) DURATION_OPT="${2:?--duration needs a value}"; shift ;;
    --sizes) SIZES="${2:?--sizes needs a list}"; shift ;;
    --scenarios) SCENARIOS="${2:?--scenarios needs a list}"; shift ;;
    --url) TARGET_URL="${2:?--url needs a URL}"; shift ;;
    --out) OUT="${2:?--out needs a directory}"; shift ;;
    -h | --help) usage ;;
    *) echo "bench/run.sh: unknown option $1" >&2; usage 2 >&2 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  CONNS_LIST="${CONNS_LIST:-1000}"
  DURATION_OPT="${DURATION_OPT:-15s}"
  SCENARIOS="${SCENARIOS:-ceiling,nginx,listing_hot,page_load,me}"
  SIZES="${SIZES%%,*}"
fi
CONNS_LIST="${CONNS_LIST:-100,1000,5000}"
DURATION_OPT="${DURATION_OPT:-20s}"
IFS=, read -r -a CONNS_ARR <<<"$CONNS_LIST"
IFS=, read -r -a SIZES_ARR <<<"$SIZES"
if [ -n "$SCENARIOS" ]; then IFS=, read -r -a SCEN_ARR <<<"$SCENARIOS"; else SCEN_ARR=("${ALL_SCENARIOS[@]}"); fi

set -- # bench/common.sh reads $1 and $2
BENCH_MANUAL=1
BENCH_TARGETS=wh_ceiling
BENCH_ACCESS_LOG=1    # operators keep it on
BENCH_DEBUG_HEADERS=0 # production sends no X-DB-* headers
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
unset CACHE_ENABLED # the server under test has its cache stage
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=bench/payment_fixture.sh
source "$(dirname "$0")/payment_fixture.sh"

for s in "${SCEN_ARR[@]}"; do
  [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || die "unknown scenario '$s' (known: ${ALL_SCENARIOS[*]})"
done
for c in "${CONNS_ARR[@]}" "${SIZES_ARR[@]}"; do [[ "$c" =~ ^[0-9]+$ ]] || die "not a number: $c"; done
DURATION="$DURATION_OPT"
DUR_S="$(awk -v d="$DURATION" 'BEGIN{n=d+0; if (d ~ /m$/) n*=60; else if (d ~ /h$/) n*=3600; print int(n)}')"
[ "$DUR_S" -gt 0 ] || die "bad --duration $DURATION (e.g. 20s, 1m)"
OUT="${OUT:-$ROOT/bench/results}"
mkdir -p "$OUT"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
TAG="$(date -u +%s)"
JSONL="$BENCH_TMP/runs.jsonl"
REPORT="$ROOT/bench/report.py"
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
CLK_TCK="$(getconf CLK_TCK)"
SKIPPED=()
wants() { [[ " ${SCEN_ARR[*]} " == *" $1 "* ]]; }

if [ -z "$TARGET_URL" ]; then bench_build; else
  log "target $TARGET_URL: nothing is started or seeded"
  [ -x "$ROOT/build/release/wh_ceiling" ] || bench_build
fi
if wants nginx && ! command -v nginx >/dev/null; then
  (ensure_packages nginx) || log "nginx could not be installed: the nginx ceiling will be skipped"
fi
chmod 711 "$BENCH_TMP" # nginx's workers read their file under it

# ---------------------------------------------------------------- helpers

# bpsql <psql args...>: the bench's own queries (not counted: see PGSS_SUM).
bpsql() { PGAPPNAME=wh-bench psql -X -q -tA -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }
DB_CONNS_SQL="/* wh-bench */ SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
  AND backend_type = 'client backend' AND application_name <> 'wh-bench'"
PGSS_RESET="/* wh-bench */ SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database
  WHERE datname = current_database()), 0)"
PGSS_SUM="/* wh-bench */ SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = (SELECT oid
  FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '/* wh-bench */%'"

# proc_pids <pid>: the process and its children (nginx's workers).
proc_pids() { echo "$1"; ps --ppid "$1" -o pid= 2>/dev/null || true; }
proc_rss_kb() {
  local p t=0 v
  for p in $(proc_pids "$1"); do v="$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)"; t=$((t + ${v:-0})); done
  echo "$t"
}
proc_ticks() {
  local p t=0 v
  for p in $(proc_pids "$1"); do v="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true)"; t=$((t + ${v:-0})); done
  echo "$t"
}
machine_ticks() { awk '/^cpu /{t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t}' /proc/stat; }

# sampler <file> <pid or empty>: "<db connections> <rss kB>" every 0.5 s.
sampler() {
  local n rss
  while :; do
    n=""
    rss=""
    if [ "$HAVE_DB" = 1 ]; then n="$(bpsql -c "$DB_CONNS_SQL" 2>/dev/null || true)"; fi
    if [ -n "$2" ]; then rss="$(proc_rss_kb "$2")"; fi
    echo "${n:--} ${rss:--}" >>"$1"
    sleep 0.5
  done
}

RUN_N=0
RUNS_TOTAL=$((${#SIZES_ARR[@]} * ${#SCEN_ARR[@]} * ${#CONNS_ARR[@]}))
[ -n "$TARGET_URL" ] && RUNS_TOTAL=$((${#SCEN_ARR[@]} * ${#CONNS_ARR[@]}))

# run_one <scenario> <conns> <pid or empty> <process name> <wrk args...>:
# one wrk run and its measurements, appended to JSONL.
run_one() {
  local sc="$1" c="$2" pid="$3" pname="$4"
  shift 4
  RUN_N=$((RUN_N + 1))
  local left=$(((RUNS_TOTAL - RUN_N + 1) * (DUR_S + 4)))
  log "[$RUN_N/$RUNS_TOTAL, ~$((left / 60))m$((left % 60))s left] $SIZE_LABEL · $sc · $c connections · $DURATION"
  local out="$BENCH_TMP/wrk-$SIZE-$sc-$c.txt" samples="$BENCH_TMP/samples" db="$HAVE_DB" pgss="$PGSS"
  [ "$pname" = wighaven ] || db=0 pgss=0 # a ceiling: our server's background work is not its
  : >"$samples"
  [ -f "$BENCH_SERVER_LOG" ] && : >"$BENCH_SERVER_LOG" # the access log: only this run's lines
  if [ "$pgss" = 1 ]; then bpsql -c "$PGSS_RESET" >/dev/null; fi
  local ticks0="" m0 t0 spid
  [ -n "$pid" ] && ticks0="$(proc_ticks "$pid")"
  m0="$(machine_ticks)"
  t0="$(date +%s.%N)"
  HAVE_DB="$db" sampler "$samples" "$pid" &
  spid=$!
  CONNS="$c" bench_wrk "$@" >"$out" || true
  local t1 m1 ticks1=""
  t1="$(date +%s.%N)"
  m1="$(machine_ticks)"
  [ -n "$pid" ] && ticks1="$(proc_ticks "$pid")"
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  local stmts="" cpu="" rss="" wall busy peak rss_peak
  if [ "$pgss" = 1 ]; then stmts="$(bpsql -c "$PGSS_SUM")"; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    cpu="$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", (b - a) / hz}')"
    rss="$(proc_rss_kb "$pid")"
  elif [ -n "$pid" ]; then
    log "the $pname process (pid $pid) is gone: see $BENCH_SERVER_LOG"
  fi
  wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')"
  busy="$(awk -v a="$m0" -v b="$m1" 'BEGIN{split(a, x, " "); split(b, y, " ");
    t = y[2] - x[2]; printf "%.3f", (t > 0 ? 1 - (y[1] - x[1]) / t : 0)}')"
  peak="$(awk '$1 != "-" && $1 > m {m = $1} END{if (m != "") print m}' "$samples")"
  rss_peak="$(awk '$2 != "-" && $2 > m {m = $2} END{if (m != "") print m}' "$samples")"
  local note="${BENCH_NOTE:-}"
  # The webhooks are stored at once and applied by the payment worker: what
  # is still queued keeps the database busy into the next runs, so it is
  # waited for here, and how long that took is part of this run's figures.
  if [ "$sc" = webhook ] && [ "$db" = 1 ]; then note="$(drain_payment_queue)"; fi
  python3 "$REPORT" record "$JSONL" "$out" size="$SIZE" products="$PRODUCTS" scenario="$sc" conns="$c" \
    wall_s="$wall" stmts="$stmts" db_peak="$peak" rss_kb="$rss" rss_peak_kb="$rss_peak" cpu_s="$cpu" \
    machine_busy="$busy" process="$pname" note="$note" | sed 's/^/      /' >&2
  sleep 1 # let the sockets of this run close before the next
}

# drain_payment_queue: waits (at most BENCH_DRAIN_MAX_S, default 600 s) until
# no payment event is queued; prints what it waited for.
drain_payment_queue() {
  local q0 q t0 waited
  q0="$(bpsql -c "SELECT count(*) FROM wh_payment_events WHERE status = 'queued'")"
  t0="$(date +%s.%N)"
  q="$q0"
  while [ "$q" -gt 0 ]; do
    awk -v a="$t0" -v b="$(date +%s.%N)" -v m="${BENCH_DRAIN_MAX_S:-600}" 'BEGIN{exit !(b - a > m)}' && break
    sleep 0.5
    q="$(bpsql -c "SELECT count(*) FROM wh_payment_events WHERE status = 'queued'")"
  done
  waited="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')"
  if [ "$q0" = 0 ]; then
    echo "no event left queued when the run ended"
  else
    echo "$q0 events still queued when the run ended; the worker applied $((q0 - q)) in $waited s" \
      "($(awk -v n="$((q0 - q))" -v s="$waited" 'BEGIN{printf "%.0f", (s > 0 ? n / s : 0)}')/s)$([ "$q" -gt 0 ] && echo "; $q still queued")"
  fi
}

# for_conns <scenario> <pid> <process name> <wrk args...>: run_one at each count.
for_conns() {
  local c
  for c in "${CONNS_ARR[@]}"; do run_one "$1" "$c" "$2" "$3" "${@:4}"; done
}

skip() {
  SKIPPED+=("$1: $2")
  log "skipping $1: $2"
  RUNS_TOTAL=$((RUNS_TOTAL - ${#CONNS_ARR[@]}))
}

# login <email> <password>: prints the access token (empty on failure).
login() {
  curl -s -X POST "$BASE/api/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 || true
}

# ---------------------------------------------------------------- ceilings

CEIL_DIR="$BENCH_TMP/ceiling"
mkdir -p "$CEIL_DIR"
chmod 755 "$CEIL_DIR"
CEIL_PID="" CEIL_PORT="" CEIL_TINY_PID="" CEIL_TINY_PORT="" NGINX_PID="" NGINX_PORT=""
CTYPE=""

# ceiling_bytes: the hot listing's brotli bytes as our server writes them
# (a hit), and /healthz's, for the ceilings.
ceiling_bytes() {
  [ -s "$CEIL_DIR/listing" ] && return 0
  curl -sf -o /dev/null -H 'Accept-Encoding: br' "$BASE/api/products"
  curl -sf -D "$CEIL_DIR/listing.h" -o "$CEIL_DIR/listing" -H 'Accept-Encoding: br' "$BASE/api/products"
  curl -sf -D "$CEIL_DIR/healthz.h" -o "$CEIL_DIR/healthz" "$BASE/healthz"
  chmod 644 "$CEIL_DIR/listing" "$CEIL_DIR/healthz"
  CTYPE="$(header_value content-type <"$CEIL_DIR/listing.h")"
  [ "$(header_value content-encoding <"$CEIL_DIR/listing.h")" = br ] || die "GET /api/products did not answer brotli"
}

# start_wh_ceiling <prefix> <body file> <content-type> [encoding]: sets
# <prefix>_PID and <prefix>_PORT.
start_wh_ceiling() {
  local port
  port="$(bench_port)"
  "$ROOT/build/release/wh_ceiling" "$port" "$2" "$3" ${4:+"$4"} >/dev/null 2>&1 &
  printf -v "${1}_PID" '%s' "$!"
  printf -v "${1}_PORT" '%s' "$port"
  BENCH_PIDS+=("$!")
  wait_http "http://127.0.0.1:$port/" || die "wh_ceiling did not start"
  cmp -s <(curl -s "http://127.0.0.1:$port/") "$2" || die "wh_ceiling does not write the saved bytes"
}

start_nginx() {
  local port dir="$CEIL_DIR/nginx"
  port="$(bench_port)"
  mkdir -p "$dir"
  cp "$CEIL_DIR/listing" "$dir/body"
  chmod 755 "$dir"
  chmod 644 "$dir/body"
  local user=""
  [ "$(id -u)" = 0 ] && user="user root root;"
  cat >"$dir/nginx.conf" <<EOF
# The nginx ceiling of bench/run.sh: every request answered with one file.
$user
worker_processes auto;
worker_rlimit_nofile 20000;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 10000; }
http {
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  etag off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  open_file_cache max=16 inactive=3600s;
  open_file_cache_valid 3600s;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  types { }
  default_type "$CTYPE";
  server {
    listen 127.0.0.1:$port;
    root $dir;
    location / {
      rewrite ^ /body break;
      add_header Content-Encoding br;
    }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$port/" || { cat "$dir/error.log" >&2; die "nginx did not start"; }
  cmp -s <(curl -s "http://127.0.0.1:$port/api/products") "$CEIL_DIR/listing" || die "nginx does not serve the listing's bytes"
  NGINX_PORT="$port"
}

stop_pid() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

stop_ceilings() {
  stop_pid "$CEIL_PID"
  stop_pid "$CEIL_TINY_PID"
  stop_pid "$NGINX_PID"
  CEIL_PID="" CEIL_TINY_PID="" NGINX_PID=""
  rm -f "$CEIL_DIR/listing"
}

# ---------------------------------------------------------------- data

# prepare_data <dir>: the URL lists and ids of the scenarios.
prepare_data() {
  local dir="$1"
  mkdir -p "$dir"
  if [ "$HAVE_DB" = 1 ]; then
    python3 "$REPORT" catalog "$BASE" "$dir"
    bpsql -o "$dir/products" -c "SELECT p.id || ' ' || v.id FROM products p JOIN LATERAL (SELECT id FROM variants v
      WHERE v.product_id = p.id AND v.is_active AND v.stock > 10 ORDER BY v.id LIMIT 1) v ON true
      WHERE p.is_active ORDER BY p.id"
    bpsql -o "$dir/details" -c "SELECT '/api/products/' || id FROM products WHERE is_active ORDER BY id"
    bpsql -o "$dir/searches" -c "SELECT w FROM (SELECT DISTINCT regexp_split_to_table(lower(name), '[^a-z]+') w
      FROM products WHERE is_active) s WHERE length(w) >= 4 ORDER BY w LIMIT 60"
  else
    python3 "$REPORT" catalog "$BASE" "$dir" --products "${BENCH_HTTP_PRODUCTS:-5000}"
    awk '{print "/api/products/" $1}' "$dir/products" >"$dir/details"
  fi
  printf '%s\n' /api/products/categories /api/banners /api/settings/public /api/currency/rates >"$dir/page_load"
  log "data: $(wc -l <"$dir/listings") listing URLs, $(wc -l <"$dir/details") products," \
    "$(wc -l <"$dir/products") with a variant in stock, $(wc -l <"$dir/searches") search words"
}

# warm <paths file>: every URL once, 8 at a time (BENCH_WARM=1).
warm() {
  [ "${BENCH_WARM:-0}" = 1 ] || return 0
  log "warm pass: $(wc -l <"$1") URLs"
  sed "s|^|$BASE|" "$1" | xargs -P 8 -n 1 curl -s -o /dev/null -H 'Accept-Encoding: br'
}

# warmup <wrk args...>: an unrecorded wrk run of BENCH_WARMUP (default: the
# run's duration; 0 skips) at the fewest connections, so that the first
# connection count does not meet a colder cache than the next ones.
warmup() {
  local d="${BENCH_WARMUP:-$DURATION}"
  [ "$d" != 0 ] || return 0
  log "warm-up: $d at ${CONNS_ARR[0]} connections (not recorded)"
  CONNS="${CONNS_ARR[0]}" DURATION="$d" bench_wrk "$@" >/dev/null || true
}

# orders_setup: one one-line guest cart per request wrk can send, for every
# connection count (bench/order_create.sh's, over at most 2000 variants,
# whose stock is raised to a million: not more, the listings sum it).
orders_setup() {
  local carts=$((DUR_S * 1000 > 2000 ? DUR_S * 1000 : 2000))
  local threads=$((${#CONNS_ARR[@]} * WRK_THREADS))
  log "orders: $((carts * threads)) guest carts"
  bpsql <<SQL
DELETE FROM orders WHERE customer_email = 'bench@example.com' AND order_number NOT LIKE 'BENCH-%';
CREATE TEMP TABLE bench_variants AS
  SELECT v.id, row_number() OVER (ORDER BY v.id) - 1 AS k FROM variants v JOIN products p ON p.id = v.product_id
   WHERE v.is_active AND p.is_active ORDER BY v.id LIMIT 2000;
UPDATE variants SET stock = 1000000, reserved_stock = 0
 WHERE id IN (SELECT id FROM bench_variants) AND (stock < 100000 OR reserved_stock > 0);
DELETE FROM guest_carts WHERE session_id LIKE 'bench-%';
INSERT INTO guest_carts (id, session_id, updated_at)
  SELECT 'bc' || t || '_' || n, 'bench-' || t || '-' || n, now()
    FROM generate_series(0, $threads - 1) t, generate_series(1, $carts) n;
INSERT INTO guest_cart_items (id, cart_id, variant_id, quantity, updated_at)
  SELECT 'bi' || substr(c.id, 3), c.id, v.id, 1, now()
    FROM guest_carts c JOIN bench_variants v ON v.k = abs(hashtext(c.id)) % (SELECT count(*) FROM bench_variants)
   WHERE c.session_id LIKE 'bench-%';
SQL
  bpsql -c "VACUUM ANALYZE variants, guest_carts, guest_cart_items, orders"
}

# payments_setup: bench/payments.sh's orders and signed webhook events.
PAY_ORDERS="${BENCH_ORDERS:-20000}"
payments_setup() {
  [ -s "$BENCH_TMP/events.txt" ] && return 0
  local events=$((DUR_S * 5000 < 200000 ? DUR_S * 5000 : 200000))
  log "payments: $((2 * PAY_ORDERS)) pending orders, $events signed webhook events"
  payment_fixture "$PAY_ORDERS" "$events" "$BENCH_TMP/events.txt"
}

# ---------------------------------------------------------------- scenarios

# scenario <name>: sets up and runs one scenario at every connection count.
scenario() {
  local sc="$1" pid="$SERVER_PID" data="$DATA"
  local p=(-s "$ROOT/bench/paths.lua")
  [ -n "$TARGET_URL" ] && pid="${BENCH_SERVER_PID:-}"
  case "$sc" in
    ceiling)
      [ -x "$ROOT/build/release/wh_ceiling" ] || { skip "$sc" "no build/release/wh_ceiling"; return; }
      ceiling_bytes
      [ -n "$CEIL_PID" ] || start_wh_ceiling CEIL "$CEIL_DIR/listing" "$CTYPE" br
      for_conns "$sc" "$CEIL_PID" wh_ceiling "${p[@]}" "http://127.0.0.1:$CEIL_PORT/api/products" ;;
    nginx)
      command -v nginx >/dev/null || { skip "$sc" "nginx is not installed"; return; }
      ceiling_bytes
      [ -n "$NGINX_PID" ] || start_nginx
      for_conns "$sc" "$NGINX_PID" nginx "${p[@]}" "http://127.0.0.1:$NGINX_PORT/api/products" ;;
    ceiling_tiny)
      [ -x "$ROOT/build/release/wh_ceiling" ] || { skip "$sc" "no build/release/wh_ceiling"; return; }
      ceiling_bytes
      [ -n "$CEIL_TINY_PID" ] || start_wh_ceiling CEIL_TINY "$CEIL_DIR/healthz" \
        "$(header_value content-type <"$CEIL_DIR/healthz.h")"
      BENCH_ENCODING="" for_conns "$sc" "$CEIL_TINY_PID" wh_ceiling "${p[@]}" "http://127.0.0.1:$CEIL_TINY_PORT/healthz" ;;
    healthz)
      BENCH_ENCODING="" for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE/healthz" ;;
    listing_hot)
      curl -s -o /dev/null -H 'Accept-Encoding: br' "$BASE/api/products"
      for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE/api/products" ;;
    listing_rotation)
      warm "$data/listings"
      BENCH_PATHS="$data/listings" warmup "${p[@]}" "$BASE"
      BENCH_PATHS="$data/listings" for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE" ;;
    product_detail)
      warm "$data/details"
      BENCH_PATHS="$data/details" warmup "${p[@]}" "$BASE"
      BENCH_PATHS="$data/details" for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE" ;;
    page_load)
      sed "s|^|$BASE|" "$data/page_load" | xargs -n 1 curl -s -o /dev/null -H 'Accept-Encoding: br'
      BENCH_PATHS="$data/page_load" for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE" ;;
    me)
      local email="${BENCH_EMAIL:-}" token
      if [ -z "$email" ] && [ "$HAVE_DB" = 1 ]; then
        email="$(bpsql -c "SELECT email FROM users WHERE role = 'customer' AND email_verified AND is_active
          ORDER BY email LIMIT 1")"
      fi
      email="${email:-customer1@example.com}"
      token="$(login "$email" "${BENCH_PASSWORD:-Customer@123}")"
      [ -n "$token" ] || { skip "$sc" "login failed for $email"; return; }
      curl -s -o /dev/null -H "Authorization: Bearer $token" "$BASE/api/auth/me"
      BENCH_TOKEN="$token" for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE/api/auth/me" ;;
    session)
      [ -s "$data/products" ] || { skip "$sc" "no product with a variant in stock"; return; }
      BENCH_DATA="$data" BENCH_RUN_TAG="$TAG" warmup -s "$ROOT/bench/session.lua" "$BASE"
      BENCH_DATA="$data" BENCH_RUN_TAG="$TAG" for_conns "$sc" "$pid" wighaven -s "$ROOT/bench/session.lua" "$BASE"
      if [ "$HAVE_DB" = 1 ]; then bpsql -c "DELETE FROM guest_carts WHERE session_id LIKE 'bs$TAG-%'"; fi ;;
    orders)
      [ -z "$TARGET_URL" ] || { skip "$sc" "needs the bench's own server (fake Paystack, pre-made carts)"; return; }
      orders_setup
      local c i=0
      for c in "${CONNS_ARR[@]}"; do
        BENCH_CART_THREAD0=$((i * WRK_THREADS)) run_one "$sc" "$c" "$pid" wighaven \
          -s "$ROOT/bench/order_create.lua" "$BASE/api/orders"
        i=$((i + 1))
      done
      bpsql -c "DELETE FROM guest_carts WHERE session_id LIKE 'bench-%'" ;;
    verify)
      [ -z "$TARGET_URL" ] || { skip "$sc" "needs the bench's own server (fake Paystack)"; return; }
      payments_setup
      BENCH_ORDERS="$PAY_ORDERS" for_conns "$sc" "$pid" wighaven -s "$ROOT/bench/payments_verify.lua" "$BASE/" ;;
    webhook)
      [ -z "$TARGET_URL" ] || { skip "$sc" "needs the bench's own server (its Paystack secret)"; return; }
      payments_setup
      BENCH_FILE="$BENCH_TMP/events.txt" BENCH_ORDERS="$PAY_ORDERS" for_conns "$sc" "$pid" wighaven \
        -s "$ROOT/bench/payments_webhook.lua" "$BASE/webhook/paystack" ;;
    admin_dashboard)
      local token
      token="$(login "${BENCH_ADMIN_EMAIL:-admin@wighaven.local}" "${BENCH_ADMIN_PASSWORD:-Admin@12345}")"
      [ -n "$token" ] || { skip "$sc" "admin login failed"; return; }
      echo /api/admin/dashboard/snapshot >"$data/dashboard"
      BENCH_NOTE="$(after_order_event "$token")" BENCH_TOKEN="$token" BENCH_PATHS="$data/dashboard" \
        for_conns "$sc" "$pid" wighaven "${p[@]}" "$BASE" ;;
  esac
}

# after_order_event <admin token>: the dashboard snapshot's first answer
# after an order event, five times: an order inserted by SQL (as any writer
# would), a pause for the change notification to reach the server, then one
# timed request. Prints "first request after an order event: <ms each> ms
# (X-Cache <each>)"; nothing without the database.
after_order_event() {
  local out times="" caches=""""
  curl -s -o /dev/null -H "Authorization: Bearer $1" "$BASE/api/admin/dashboard/snapshot"
  for _ in 1 2 3 4 5; do
    [ "$HAVE_DB" = 1 ] || break
    bpsql -c "/* wh-bench */ INSERT INTO orders (id, order_number, status, payment_status, subtotal, shipping, tax,
      discount, total, customer_email, customer_phone, shipping_address, created_at, updated_at)
      VALUES ('cbe' || left(md5(random()::text), 24), 'BENCH-E-' || left(md5(random()::text), 12), 'pending',
      'pending', 100, 0, 0, 0, 100, 'bench@example.com', '0241234567', '{}'::jsonb, now(), now())" >/dev/null
    sleep 0.3
    out="$(curl -s -o /dev/null -D - -w 'time=%{time_total}\n' -H "Authorization: Bearer $1" \
      "$BASE/api/admin/dashboard/snapshot" | tr -d '\r')"
    times+="$(awk -F= '/^time=/{printf "%.1f ", $2 * 1000}' <<<"$out")"
    caches+="$(awk -F': ' 'tolower($1)=="x-cache"{printf "%s ", $2}' <<<"$out")"
  done
  if [ -n "$times" ]; then echo "first request after an order event: ${times% } ms (X-Cache ${caches% })"; fi
}

# ---------------------------------------------------------------- the run

export BENCH_LUA_DIR="$ROOT/bench"
HAVE_DB=0
PGSS=0
PGSS_TRACK=""
DB_DESCS=()
if [ -z "$TARGET_URL" ]; then
  FAKE_PORT="$(bench_port)"
  PAYSTACK_MS="${BENCH_PAYSTACK_MS:-300}"
  export PAYSTACK_SECRET_KEY=sk_bench PAYSTACK_BASE_URL="http://127.0.0.1:$FAKE_PORT"
  export OUTBOUND_MAX_PER_HOST="${OUTBOUND_MAX_PER_HOST:-1000}"
  python3 "$ROOT/bench/fake_paystack.py" "$FAKE_PORT" "$PAYSTACK_MS" &
  BENCH_PIDS+=("$!")
  if [ -n "$BENCH_GIVEN_DATABASE_URL" ] && [ "${#SIZES_ARR[@]}" -gt 1 ]; then
    log "DATABASE_URL is given: one pass over its catalog, --sizes is ignored"
    SIZES_ARR=("${SIZES_ARR[0]}")
    RUNS_TOTAL=$((${#SCEN_ARR[@]} * ${#CONNS_ARR[@]}))
  fi
else
  SIZES_ARR=(0)
fi

for SIZE in "${SIZES_ARR[@]}"; do
  if [ -z "$TARGET_URL" ]; then
    BENCH_DB="wh_bench_$SIZE"
    BENCH_SEED_ARGS="--products $SIZE"
    bench_database
    HAVE_DB=1
    # What an earlier run left (its webhook events would keep the payment
    # worker busy during this one): the bench's own rows only.
    bpsql <<'SQL'
DELETE FROM wh_payment_events WHERE reference LIKE 'bench_%';
DELETE FROM orders WHERE customer_email = 'bench@example.com';
DELETE FROM guest_carts WHERE session_id LIKE 'bench-%' OR session_id LIKE 'bs%-%-%';
SQL
    log "starting the server on $BENCH_DB"
    : >"$BENCH_SERVER_LOG"
    bench_start_server
    BASE="http://127.0.0.1:$PORT"
  else
    BASE="${TARGET_URL%/}"
    curl -sf -o /dev/null "$BASE/healthz" || die "$BASE/healthz does not answer"
    [ -n "${DATABASE_URL:-}" ] && HAVE_DB=1
  fi
  if [ "$HAVE_DB" = 1 ]; then
    if bench_pgss; then PGSS=1; PGSS_TRACK="$(bpsql -c "SHOW pg_stat_statements.track")"; else PGSS=0; fi
    DB_DESCS+=("$(bpsql -c "SELECT current_database() || ' (' || (SELECT count(*) FROM products) || ' products, '
      || (SELECT count(*) FROM variants) || ' variants) on ' || split_part(version(), ' on ', 1)")")
  fi
  PRODUCTS="$(curl -sf "$BASE/api/products?limit=1" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2 || true)"
  [ "$SIZE" = 0 ] && SIZE="${PRODUCTS:-0}"
  SIZE_LABEL="$(printf "%'d" "$SIZE" 2>/dev/null || echo "$SIZE") products"
  log "$SIZE_LABEL (${PRODUCTS:-?} active), $BASE; DB statements: $([ "$PGSS" = 1 ] && echo pg_stat_statements || echo n/a)"
  DATA="$BENCH_TMP/data-$SIZE"
  prepare_data "$DATA"
  rm -f "$BENCH_TMP/events.txt"
  for sc in "${SCEN_ARR[@]}"; do scenario "$sc"; done
  stop_ceilings
  [ -z "$TARGET_URL" ] && bench_stop_server
done

# ---------------------------------------------------------------- results

settings="ACCESS_LOG=1, RATE_LIMITS=false (one load IP), response cache on, DEBUG_QUERY_HEADERS off"
for v in DB_POOL_SIZE DB_ACQUIRE_TIMEOUT_MS WH_THREADS OUTBOUND_MAX_PER_HOST; do
  settings="$settings, $v=${!v:-default}"
done
if [ -z "$TARGET_URL" ]; then
  target="our server (build/release/wighaven built $(date -u -r "$BIN" +%Y-%m-%dT%H:%MZ)) on 127.0.0.1,"
  target="$target fake Paystack answering in ${PAYSTACK_MS} ms"
else
  target="$TARGET_URL"
  settings="settings as deployed"
fi
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit+dirty"
M_STARTED="$STARTED" M_FINISHED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" M_COMMIT="$commit" M_COMMAND="bench/run.sh $ARGS" \
  M_LOAD="$LOAD_AT_START" M_TARGET="$target" M_SETTINGS="$settings" M_DB="$(IFS=';'; echo "${DB_DESCS[*]:-n/a}")" M_PGSS="$PGSS" \
  M_TRACK="$PGSS_TRACK" M_WRK="$(wrk -v 2>&1 | head -1 | awk '{print $2}')" M_THREADS="$WRK_THREADS" \
  M_THINK="${BENCH_THINK_MS:-0}" M_CONNS="${CONNS_ARR[*]}" M_DURATION="$DURATION" M_SIZES="${SIZES_ARR[*]}" \
  M_SCENARIOS="${SCEN_ARR[*]}" M_QUICK="$QUICK" M_URL="$TARGET_URL" M_SKIPPED="$(printf '%s\n' "${SKIPPED[@]}")" \
  python3 - "$BENCH_TMP/meta.json" <<'PY'
import json, os, platform, sys
e = os.environ
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
meta = {
    "schema": 1, "started": e["M_STARTED"], "finished": e["M_FINISHED"], "commit": e["M_COMMIT"],
    "command": e["M_COMMAND"],
    "machine": {"cpus": os.cpu_count(), "cpu_model": model, "mem_gib": round(mem / 1048576, 1),
                "kernel": platform.release(), "load_at_start": e["M_LOAD"]},
    "server": {"target": e["M_TARGET"], "settings": e["M_SETTINGS"]},
    "database": e["M_DB"],
    "pgss": {"available": e["M_PGSS"] == "1", "track": e["M_TRACK"] or None},
    "wrk": {"version": e["M_WRK"], "threads": int(e["M_THREADS"]), "timeout": "10s", "think_ms": int(e["M_THINK"])},
    "options": {"conns": [int(c) for c in e["M_CONNS"].split()], "duration": e["M_DURATION"],
                "sizes": [int(s) for s in e["M_SIZES"].split()], "scenarios": e["M_SCENARIOS"].split(),
                "quick": e["M_QUICK"] == "1", "url": e["M_URL"] or None},
    "skipped": [s for s in e["M_SKIPPED"].split("\n") if s],
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
PY
md="$(python3 "$REPORT" finish "$JSONL" "$BENCH_TMP/meta.json" "$OUT" "$STAMP")"
cat "$md"
log "results: $md, $OUT/latest.json, $OUT/latest.md, $OUT/scale.svg"
