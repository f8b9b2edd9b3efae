#!/usr/bin/env bash
# Product listing over a 10,000-product catalog, rotating over every page,
# sort and category (the URLs a crawler or many shoppers walk), in brotli.
#
#   bench/catalog_rotation.sh [connections=1000] [duration=30s]
#
# Uses its own database `wighaven_bench` on run.sh's PostgreSQL, created and
# seeded once with `wighaven seed --products 10000` (run.sh's database is not
# touched; a DATABASE_URL given is used as it is). Unless WARM=0, every URL
# is fetched once before the run (steady state). Prints req/s, p50, p99,
# errors, the X-Cache counts and the share served from the cache, and PASS/FAIL
# for the target of issue 7: p99 under 200 ms (exit status 1 when it fails).
BENCH_DB=wighaven_bench
BENCH_SEED_ARGS="--products 10000"
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
unset CACHE_ENABLED # the server under test has its cache stage
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

BASE="http://127.0.0.1:$PORT"
# pages <query>: the number of pages of /api/products?<query>.
pages() { curl -sf "$BASE/api/products?$1" | grep -o '"pages":[0-9]*' | cut -d: -f2; }
mapfile -t CATEGORIES < <(curl -sf "$BASE/api/products/categories" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
for filter in "" "${CATEGORIES[@]/#/category=}"; do
  n="$(pages "$filter")"
  for sort in newest price_asc price_desc popular; do
    for ((page = 1; page <= n; page++)); do
      echo "/api/products?${filter:+$filter&}sort=$sort&page=$page"
    done
  done
done >"$BENCH_TMP/paths"
PRODUCTS="$(curl -sf "$BASE/api/products" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2)"
# What the rotation asks the cache to hold: every URL in identity, gzip and br.
PAGE_BYTES=0
for enc in identity gzip br; do
  PAGE_BYTES=$((PAGE_BYTES + $(curl -sf -H "Accept-Encoding: $enc" "$BASE/api/products" | wc -c)))
done
log "working set ~ $(($(wc -l <"$BENCH_TMP/paths") * PAGE_BYTES / 1048576)) MiB ($PAGE_BYTES B a URL): compare" \
  "the product_lists byte budget (src/cache/instances.cc; CACHE_PRODUCT_LISTS_BYTES=${CACHE_PRODUCT_LISTS_BYTES:-unset})"
if [ "${WARM:-1}" = 1 ]; then
  log "warm pass: every URL once, 8 at a time"
  SECONDS=0
  xargs -P 8 -I{} curl -s -o /dev/null -H 'Accept-Encoding: br' "$BASE{}" <"$BENCH_TMP/paths"
  log "warm pass took ${SECONDS}s"
fi

out="$(bench_wrk -s "$(dirname "$0")/catalog_rotation.lua" "$BASE" -- "$BENCH_TMP/paths")"
read -r rps p50 p99 errs <<<"$(wrk_stats "$out")"
printf '%s URLs (%s products, %s categories; c=%s, %s, Accept-Encoding: br)\n' \
  "$(wc -l <"$BENCH_TMP/paths")" "${PRODUCTS:-?}" "${#CATEGORIES[@]}" "$CONNS" "$DURATION"
printf '%10s %9s %9s %7s\n%10s %9s %9s %7s\n' req/s p50 p99 errors "$rps" "$p50" "$p99" "$errs"
grep '^X-Cache:' <<<"$out"
check "p99 = $(ms "$p99") ms (< 200 ms)" "$(ms "$p99") < 200"
check "errors = $errs (0)" "$errs == 0"
exit "$BENCH_FAILED"
