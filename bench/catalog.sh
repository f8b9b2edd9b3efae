#!/usr/bin/env bash
# Load benchmark of the storefront read API with wrk.
#
#   bench/catalog.sh [connections=1000] [duration=30s]
#
# Uses the Release binary and the database of run.sh (or DATABASE_URL), starts
# its own server on a free port, and prints requests/s, p50, p99, errors and
# DB statements per request for each endpoint. Traffic stays on 127.0.0.1.
source "$(dirname "$0")/../scripts/common.sh"
ensure_packages wrk curl

CONNS="${1:-1000}"
DURATION="${2:-30s}"
BIN="$ROOT/build/release/wighaven"
[ -x "$BIN" ] || die "build first: ./run.sh (or cmake --build build/release)"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:${WH_LOCAL_PG_PORT:-54329}/wighaven}"
PORT="$(free_port)"

# One load generator is one IP: the general per-IP limit would answer 429.
RATE_LIMITS=false ACCESS_LOG=0 DEBUG_QUERY_HEADERS=1 PORT="$PORT" HOST=127.0.0.1 "$BIN" serve >/tmp/wighaven-bench.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

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
