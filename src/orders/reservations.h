// What a pending, unpaid order holds and how it lets go of it.
//
// Rule: an order holds a reservation (variants.reserved_stock += quantity
// of each item) and, with a coupon, one use of it (discount_codes.used_count)
// exactly while status = 'pending' AND payment_status = 'pending'. Every
// release moves it out of that state in the same statement that gives the
// stock and the coupon back, so a release runs at most once whatever races
// with it (a refused charge, a late verify, a customer cancel, a payment).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/task.h"
#include "db/db.h"
#include "web/services.h"

namespace wh::orders {

// Moves the order to (status, payment_status), returning its reserved stock
// and its coupon use. Returns the products whose available stock changed;
// empty when the order held nothing (already released, paid or unknown).
// One statement: no transaction is held open.
Task<std::vector<std::string>> release_order(db::Db db, const std::string& order_id, std::string_view status,
                                             std::string_view payment_status);

// Invalidates the detail of each product (available stock changed; the
// lists may lag, docs/caching.md).
void invalidate_stock(web::Services& services, const std::vector<std::string>& product_ids);

// The time SQL of this module: the database clock in UTC, as timestamp(3)
// columns hold it.
#define WH_ORDERS_NOW "(now() AT TIME ZONE 'UTC')"

}  // namespace wh::orders
