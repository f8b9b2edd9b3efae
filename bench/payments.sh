#!/usr/bin/env bash
# Load benchmark of the payment paths with a fake Paystack answering in
# BENCH_LATENCY ms (default 300):
#   - webhook ingestion: POST /webhook/paystack with signed charge.success
#     events, each a different transaction (the worker applies them meanwhile);
#   - verify-payment: POST /api/orders/:n/verify-payment (guest e-mail access),
#     one GET transaction/verify per request (answered "pending": nothing to
#     apply, so every request pays the provider's latency).
#
#   bench/payments.sh [connections=1000] [duration=20s]
#
# BENCH_SCENARIOS picks the runs (default "webhook verify"); each runs paced
# and saturated (see run below).
# Orders and events are made up front (BENCH_ORDERS orders, default 20000;
# BENCH_EVENTS signed bodies, default 200000). Goals (issue 10): p99 under
# 100 ms plus the provider's latency for verify, under 100 ms for the
# webhook, errors 0.
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"
FAKE_PORT="$(free_port)"
LATENCY="${BENCH_LATENCY:-300}"
export PAYSTACK_SECRET_KEY=sk_bench PAYSTACK_BASE_URL="http://127.0.0.1:$FAKE_PORT"
export OUTBOUND_MAX_PER_HOST="${OUTBOUND_MAX_PER_HOST:-1000}" DB_ACQUIRE_TIMEOUT_MS="${DB_ACQUIRE_TIMEOUT_MS:-10000}"
BENCH_DB="${BENCH_DB:-wh_bench_orders}"
BENCH_SEED_ARGS="${BENCH_SEED_ARGS:---products 300 --categories 12 --customers 20 --orders 150}"
ORDERS="${BENCH_ORDERS:-20000}"
EVENTS="${BENCH_EVENTS:-200000}"
python3 "$ROOT/bench/fake_paystack.py" "$FAKE_PORT" "$LATENCY" &
FAKE_PID=$!
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=bench/payment_fixture.sh
source "$(dirname "$0")/payment_fixture.sh"
BENCH_PIDS+=("$FAKE_PID")

payment_fixture "$ORDERS" "$EVENTS" "$BENCH_TMP/events.txt"

# run <name> <goal ms> <wrk args...>: paced (every connection waits
# BENCH_THINK_MS, default 2000, between requests: the offered rate is one
# the server can carry, so latency is the server's; checked against the
# goal) and saturated (no think time: the ceiling; its latency is the
# queue's, connections / throughput, reported; its errors are checked).
run() {
  local name="$1" goal_ms="$2"; shift 2
  local out mode think
  for mode in paced saturated; do
    think="${BENCH_THINK_MS:-2000}"
    [ "$mode" = saturated ] && think=0
    out="$(BENCH_THINK_MS="$think" BENCH_FILE="$BENCH_TMP/events.txt" BENCH_ORDERS="$ORDERS" bench_wrk "$@")"
    read -r rps p50 p99 errors <<<"$(wrk_stats "$out")"
    echo "$name, $mode (think $think ms, Paystack ${LATENCY} ms): ${rps} req/s, p50 ${p50}, p99 ${p99}, errors ${errors}"
    [ "$mode" = paced ] && check "$name p99 under ${goal_ms} ms" "$(ms "$p99") < $goal_ms"
    check "$name, $mode, without errors" "$errors == 0"
  done
}

SCENARIOS="${BENCH_SCENARIOS:-webhook verify}"
[[ " $SCENARIOS " == *" webhook "* ]] &&
  run "webhook ingestion" 100 -s "$ROOT/bench/payments_webhook.lua" "http://127.0.0.1:$PORT/webhook/paystack"
[[ " $SCENARIOS " == *" verify "* ]] &&
  run "verify-payment" "$((100 + LATENCY))" -s "$ROOT/bench/payments_verify.lua" "http://127.0.0.1:$PORT/"
echo "webhook events applied: $(psql -X -tA "$DATABASE_URL" -c "SELECT status || ':' || coalesce(result, '-') || ' ' || count(*)
  FROM wh_payment_events WHERE reference LIKE 'bench_%' GROUP BY status, result ORDER BY 1" | tr '\n' ' ')"
exit "$BENCH_FAILED"
