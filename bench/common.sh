# Shared by the bench scripts: settings and a private server on a free port.
# Source after scripts/common.sh. Sets CONNS, DURATION, BIN, PORT; the server
# is stopped when the script exits.
ensure_packages wrk curl

CONNS="${1:-1000}"
DURATION="${2:-30s}"
BIN="$ROOT/build/release/wighaven"
[ -x "$BIN" ] || die "build first: ./run.sh (or cmake --build build/release)"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:${WH_LOCAL_PG_PORT:-54329}/wighaven}"
export JWT_SECRET="${JWT_SECRET:-bench-secret-0123456789-0123456789-0123456789}"
PORT="$(free_port)"

# One load generator is one IP: the general per-IP limit would answer 429.
RATE_LIMITS=false ACCESS_LOG=0 DEBUG_QUERY_HEADERS=1 PORT="$PORT" HOST=127.0.0.1 "$BIN" serve >/tmp/wighaven-bench.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the server did not start: see /tmp/wighaven-bench.log"
