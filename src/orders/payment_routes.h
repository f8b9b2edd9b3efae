// The shopper's payment routes around an order (reference §1.1, §1.8):
//   POST /api/orders/:order_number/verify-payment   {email?} or ?email=
//     The order's owner, a guest giving its e-mail (as GET
//     /api/orders/:n) or an admin; else 403 (404 for no such order). Asks
//     GET {PAYSTACK_BASE_URL}/transaction/verify/:reference (no database
//     connection held meanwhile) and applies the answer exactly as the
//     webhook would (payment_apply.h; fix: the old one only reported).
//     200 {success, message, verification:{status, channel, amount,
//     currency, gateway_response}, data:{order, verification}}; an order
//     already paid answers at once; 400 without a reference or when
//     Paystack does not know it; 503 when Paystack does not answer.
//   GET /api/orders/:order_number/payment-stream?email=   (same access)
//     Server-sent events (fix: it never worked): `data: {"order_number",
//     "status", "payment_status"}` at once and on every change (woken by
//     payment_watch.h, re-read at each heartbeat), a `: keep-alive` comment
//     every PAYMENT_STREAM_HEARTBEAT_MS; ends once the payment is settled
//     (paid, failed, refund_*) or the order cancelled, or after
//     PAYMENT_STREAM_MAX_MS (with an `event: timeout`).
//   GET /order/confirmation   the static "payment received" page (text/html).
#pragma once
#include "web/router.h"

namespace wh::orders {

void register_payment_routes(web::Router& router);

}  // namespace wh::orders
