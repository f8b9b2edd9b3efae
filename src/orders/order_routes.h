// The order routes besides the checkout (reference §1.7), old shapes:
//   GET  /api/orders/:order_number?email=   owner, admin, or the order's
//        e-mail (case-insensitive); else 403. One indexed statement,
//        rate-limited per IP (the confirmation page polls every 3 s).
//   GET  /api/orders?page&limit&status      own orders, newest first,
//        limit <= 100, one statement (JSON built by PostgreSQL).
//   POST /api/orders/:order_number/cancel   {email?}: pending and unpaid
//        only; releases the reservation AND the coupon (fix).
//   and the admin routes of admin_orders.h.
#pragma once
#include "web/router.h"

namespace wh::orders {

void register_routes(web::Router& router);

}  // namespace wh::orders
