#!/usr/bin/env bash
# The response cache's hit path against its physical ceiling, in one run.
#
#   bench/cache_hit.sh [connections=1000] [duration=20s]
#
# Warms GET /api/products on our server (the database of run.sh), saves the
# exact body bytes it writes in identity and in brotli, serves each with
# wh_ceiling (bench/ceiling.cc: a minimal zero-copy Beast server) and runs wrk
# against: ceiling identity, ours identity, ceiling br, ours br. Prints req/s,
# p50, p99, errors and ours/ceiling ratios, then one PASS/FAIL line per target
# of issue 7 (exit status 1 when one fails). Traffic stays on 127.0.0.1.
set -- "${1:-1000}" "${2:-20s}"
BENCH_TARGETS=wh_ceiling
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
unset CACHE_ENABLED # the server under test has its cache stage
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

URL="http://127.0.0.1:$PORT/api/products"
BR=(-H 'Accept-Encoding: br')
curl -sf -o /dev/null "$URL" # the miss that fills the cache
# Raw bytes as written (no --compressed): the ceiling must write the same.
curl -sf -D "$BENCH_TMP/identity.h" -o "$BENCH_TMP/identity" "$URL"
curl -sf -D "$BENCH_TMP/br.h" -o "$BENCH_TMP/br" "${BR[@]}" "$URL"
CTYPE="$(header_value content-type <"$BENCH_TMP/identity.h")"
[ "$(header_value x-cache <"$BENCH_TMP/identity.h")" = HIT ] || die "GET /api/products is not a cache hit: is the cache stage on?"
[ "$(header_value content-encoding <"$BENCH_TMP/br.h")" = br ] || die "GET /api/products did not answer brotli"
[ "$(header_value x-db-statements <"$BENCH_TMP/br.h")" = 0 ] || die "a hit made DB statements"

# start_ceiling <var> <body file> [content-encoding]: sets var to its URL.
start_ceiling() {
  local port
  port="$(free_port)"
  "$ROOT/build/release/wh_ceiling" "$port" "$BENCH_TMP/$2" "$CTYPE" ${3:+"$3"} >/dev/null &
  BENCH_PIDS+=($!)
  wait_http "http://127.0.0.1:$port/" || die "wh_ceiling did not start"
  printf -v "$1" 'http://127.0.0.1:%s/api/products' "$port"
  cmp -s <(curl -s "${!1}") "$BENCH_TMP/$2" || die "wh_ceiling does not write the saved bytes"
}
start_ceiling CEIL_IDENTITY identity
start_ceiling CEIL_BR br br

printf 'body: %s B identity, %s B br; headers: ours %s B, ceiling %s B\n' "$(wc -c <"$BENCH_TMP/identity")" \
  "$(wc -c <"$BENCH_TMP/br")" "$(wc -c <"$BENCH_TMP/br.h")" "$(curl -s -D - -o /dev/null "$CEIL_BR" | wc -c)"
printf '%-18s %10s %9s %9s %7s\n' "c=$CONNS, $DURATION" "req/s" "p50" "p99" "errors"
declare -A RPS P99 ERRS
run() { # run <name> <wrk args...>
  local name="$1" rps p50 p99 errs
  shift
  read -r rps p50 p99 errs <<<"$(wrk_stats "$(bench_wrk "$@")")"
  printf '%-18s %10s %9s %9s %7s\n' "$name" "$rps" "$p50" "$p99" "$errs"
  RPS[$name]="$rps" P99[$name]="$(ms "$p99")" ERRS[$name]="$errs"
}
run "ceiling identity" "$CEIL_IDENTITY"
run "ours identity" "$URL"
run "ceiling br" "${BR[@]}" "$CEIL_BR"
run "ours br" "${BR[@]}" "$URL"

for enc in identity br; do
  rr="$(awk -v a="${RPS[ours $enc]}" -v b="${RPS[ceiling $enc]}" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')"
  pr="$(awk -v a="${P99[ours $enc]}" -v b="${P99[ceiling $enc]}" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 99)}')"
  check "$enc: ours/ceiling req/s = $rr (>= 0.50)" "$rr >= 0.5"
  check "$enc: ours/ceiling p99 = $pr (<= 1.50)" "$pr <= 1.5"
  check "$enc: ours errors = ${ERRS[ours $enc]} (0)" "${ERRS[ours $enc]} == 0"
done
check "br: ours p99 = ${P99[ours br]} ms (< 20 ms)" "${P99[ours br]} < 20"
exit "$BENCH_FAILED"
