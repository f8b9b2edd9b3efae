// What an order holds of the stock, and how it lets go of it.
//
// Rule: an order holds a reservation (variants.reserved_stock += quantity
// of each item) and, with a coupon, one use of it (discount_codes.used_count)
// exactly while status = 'pending' AND payment_status = 'pending'. Every
// release moves it out of that state in the same statement that gives the
// stock and the coupon back, so a release runs at most once whatever races
// with it (a refused charge, a late verify, a customer cancel, a payment).
//
// An order in processing, shipped or delivered holds a sale: its units have
// left `stock` (docs/commerce.md, "Stock of an order"). Cancelled and
// refunded orders, and pending ones whose payment failed, hold nothing.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.h"
#include "db/db.h"
#include "db/sql_now.h"
#include "web/services.h"

namespace wh::orders {

// Moves the order to (status, payment_status), returning its reserved stock
// and its coupon use. Returns the products whose available stock changed;
// empty when the order held nothing (already released, paid or unknown).
// One statement: no transaction is held open.
Task<std::vector<std::string>> release_order(db::Db db, const std::string& order_id, std::string_view status,
                                             std::string_view payment_status);

enum class Holding { nothing, reservation, sale };
Holding holding_of(std::string_view status, std::string_view payment_status);

// What the stock does when an order moves from (status, payment_status) to
// `to` (an admin status change, a refund):
//   reservation -> sale      reserved_stock -= q and stock -= q
//   reservation -> nothing   the reservation and the coupon use are released
//   nothing -> sale          stock -= q, refused (409) unless available
//   sale -> nothing          stock += q when the goods never left the shop
//                            (from processing); from shipped or delivered the
//                            stock is left alone (the operator restocks the
//                            parcel if it comes back)
enum class StockMove { none, sell_reserved, release_reservation, sell_from_shelf, back_to_shelf };
StockMove stock_move(std::string_view from_status, std::string_view from_payment_status, std::string_view to);

// Moves the order from (from_status, from_payment_status) to (to,
// to_payment_status) in ONE transaction with the order row locked: the
// stock move above, the coupon use given back when a cancel ends a
// reservation or a sale, the status (shipped_at / delivered_at stamped).
// 409 when the order is no longer in the expected state or the shelf is
// short. Returns the products whose available stock changed.
// `from_status` nullopt: whatever status the order has now (the refund,
// whose claim already pins the payment status). `reason` and `actor` (the
// admin's user id) go on the stock movements. `also` runs in the same
// transaction once the move is made (an admin write's activity row).
Task<std::vector<std::string>> move_order(db::Db db, std::string order_id, std::optional<std::string> from_status,
                                          std::string from_payment_status, std::string to,
                                          std::string to_payment_status, std::string reason,
                                          std::optional<std::string> actor,
                                          std::optional<db::Statement> also = std::nullopt);

// The statement that moves the units of order $1 for `move`
// (sell_reserved, sell_from_shelf, back_to_shelf; nullptr for the others)
// and records one stock movement per variant (type sale or return, reason
// $2, created_by $3 or NULL); returns the products. Every stock change of an
// order goes through it: admin status changes, refunds and payments.
const char* units_sql(StockMove move);

// Invalidates the detail of each product (available stock changed; the
// lists may lag, docs/caching.md).
void invalidate_stock(web::Services& services, const std::vector<std::string>& product_ids);

}  // namespace wh::orders
