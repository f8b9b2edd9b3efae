// POST /api/orders: the checkout (reference §1.7, §5.1), old request and
// response shapes.
//
//  1. Validation (orders/checkout_input.h), the settings gates and a
//     configured Paystack key, before anything is written.
//  2. Idempotency (orders/idempotency.h): a replay answers the first order.
//  3. ONE short transaction: the cart's variants locked FOR UPDATE in id
//     order (no deadlocks between carts), each active and with
//     stock - reserved_stock >= quantity (else 409 INSUFFICIENT_STOCK with
//     the details the storefront's modal reads), the coupon locked FOR
//     UPDATE and checked by commerce::coupon_refusal (maxUses and
//     usesPerCustomer hold under concurrency), totals by
//     commerce::compute_totals, min/max order amounts, then
//     reserved_stock += quantity, the order, its items (one insert) and
//     used_count + 1. Commit.
//  4. The Paystack charge, with no connection held. Accepted: the cart is
//     cleared, 201. Refused: reservation and coupon released at once, the
//     order stays pending with payment_status failed, 400. Unknown: verified
//     at once; still unknown: 201 with payment status pending, the
//     reservation kept and verified in the background
//     (orders/payment_followup.h).
// Available stock changes invalidate tags::product(id) before answering.
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::orders {

Task<http::Response> create_order(web::Context& ctx);

}  // namespace wh::orders
