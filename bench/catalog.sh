#!/usr/bin/env bash
# Load benchmark of the storefront read API with wrk.
#
#   bench/catalog.sh [connections=1000] [duration=30s]
#
# Uses the Release binary and the database of run.sh (or DATABASE_URL), starts
# its own server on a free port, and prints requests/s, p50, p99, errors and
# DB statements per warm request for each endpoint. Traffic stays on 127.0.0.1.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
# shellcheck source=bench/common.sh
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
  curl -s -o /dev/null "http://127.0.0.1:$PORT$ep" # a cached endpoint's first request is its miss
  stmts="$(header X-DB-Statements "http://127.0.0.1:$PORT$ep")"
  out="$(bench_wrk "http://127.0.0.1:$PORT$ep")"
  read -r rps p50 p99 errs <<<"$(wrk_stats "$out")"
  printf '%-62s %10s %9s %9s %8s %6s\n' "$ep" "$rps" "$p50" "$p99" "$errs" "${stmts:-?}"
done
