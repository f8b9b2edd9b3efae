# shellcheck shell=bash
# payment_fixture <orders> <events> <file>: the payment benches' data.
# Replaces the BENCH-* pending orders with 2 x <orders> new ones (references
# bench_v_<n> for verification, bench_w_<n> for webhooks) on $DATABASE_URL,
# and writes <events> signed charge.success webhook bodies to <file>, one a
# line: "<signature> <body>" (wrk's Lua has no HMAC). The secret is
# sk_bench, the PAYSTACK_SECRET_KEY the benches give the server.
payment_fixture() {
  PGAPPNAME=wh-bench psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" <<SQL
DELETE FROM orders WHERE order_number LIKE 'BENCH-%';
DELETE FROM wh_payment_events WHERE reference LIKE 'bench_%';
INSERT INTO orders (id, order_number, status, payment_status, subtotal, shipping, tax, discount, total,
                    customer_email, customer_phone, shipping_address, paystack_reference, created_at, updated_at)
  SELECT 'cbench' || k || n, 'BENCH-' || k || '-' || n, 'pending', 'pending', 100, 0, 0, 0, 100,
         'bench@example.com', '0241234567', '{}'::jsonb, 'bench_' || k || '_' || n, now(), now()
    FROM generate_series(1, $1) n, (VALUES ('v'), ('w')) AS x(k);
SQL
  python3 - "$2" "$1" >"$3" <<'PY'
import hashlib, hmac, json, sys
events, orders = int(sys.argv[1]), int(sys.argv[2])
for i in range(events):
    n = i % orders + 1
    body = json.dumps({"event": "charge.success", "data": {"id": 10_000_000 + i, "reference": f"bench_w_{n}",
                       "amount": 10000, "currency": "GHS", "status": "success", "channel": "mobile_money"}},
                      separators=(",", ":"))
    print(hmac.new(b"sk_bench", body.encode(), hashlib.sha512).hexdigest(), body)
PY
}
