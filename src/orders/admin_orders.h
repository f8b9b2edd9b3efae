// The admin order routes (reference §1.7), old shapes, with the fixes:
//   GET   /api/admin/orders?page&limit&status&payment_status&search
//         limit <= 100; search: order number or e-mail contains; one statement.
//   GET   /api/admin/orders/export?startDate&endDate&status
//         CSV with the old columns, streamed (chunked): read in keyset
//         batches of kExportBatch by id, each batch one statement on a
//         connection given back before the batch is written, the next read
//         only once the client took the previous one. No row cap; no
//         snapshot across batches (an order created meanwhile may appear).
//   PATCH /api/admin/orders/bulk-status {orderNumbers[1-100], status}
//   PATCH /api/admin/orders/:order_number/status {status}: the state
//         machine (orders/order_json.h); illegal -> 400 naming from and to.
//         The stock follows in the same transaction (orders/reservations.h
//         move_order): an unpaid pending order moved on to processing sells
//         its reservation; cancelling a pending, unpaid order releases its
//         reservation and coupon; cancelling from processing puts the units
//         back on the shelf and gives the coupon use back.
//   POST  /api/admin/orders/:id/refund: the order number or id (fix); paid
//         orders only; payment_status refund_pending, then Paystack POST
//         /refund (no connection held), then refunded (units of an order
//         still in processing back on the shelf) or refund_failed.
//   PATCH /api/admin/orders/:order_number/tracking {tracking_number,
//         carrier?}: sets both (carrier: migration 0010) and moves the order
//         to shipped through the state machine (fix).
#pragma once
#include "web/router.h"

namespace wh::orders {

inline constexpr int kExportBatch = 500;

void register_admin_routes(web::Router& router);

}  // namespace wh::orders
