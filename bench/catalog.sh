#!/usr/bin/env bash
# Load benchmark of the storefront read API with wrk.
#
#   bench/catalog.sh [connections=1000] [duration=30s]
#
# Uses the Release binary and the database of run.sh (or DATABASE_URL), starts
# its own server on a free port, and prints requests/s, p50, p99, errors and
# DB statements per request for each endpoint. Traffic stays on 127.0.0.1.
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/common.sh"

ENDPOINTS=(
  "/healthz"
  "/api/products"
  "/api/products?sort=popular&limit=20"
  "/api/products?category=lace-front-wigs&sort=price_asc&inStock=true"
  "/api/products/search?q=body%20wave"
  "/api/products/categories"
  "/api/banners"
  "/api/settings/public"
  "/api/currency/rates"
)
PRODUCT_ID="$(curl -s "http://127.0.0.1:$PORT/api/products?limit=1" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)"
[ -n "$PRODUCT_ID" ] && ENDPOINTS+=("/api/products/$PRODUCT_ID")

printf '%-62s %10s %9s %9s %8s %6s\n' "endpoint (c=$CONNS, $DURATION)" "req/s" "p50" "p99" "errors" "stmts"
for ep in "${ENDPOINTS[@]}"; do
  stmts="$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT$ep" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-db-statements"{print $2}')"
  out="$(wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 10s --latency "http://127.0.0.1:$PORT$ep" 2>&1)"
  rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
  p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  errs="$(awk '/Socket errors/{gsub(",","");n+=$4+$6+$8+$10} /Non-2xx/{n+=$NF} END{print n+0}' <<<"$out")"
  printf '%-62s %10s %9s %9s %8s %6s\n' "$ep" "$rps" "$p50" "$p99" "${errs:-0}" "${stmts:-?}"
done
