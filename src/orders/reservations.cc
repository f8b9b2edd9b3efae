#include "orders/reservations.h"

#include <algorithm>

#include "cache/registry.h"
#include "cache/tags.h"
#include "core/error.h"

namespace wh::orders {

namespace {

constexpr const char* kReleaseSql = R"(
WITH o AS (
  UPDATE orders SET status = $2, payment_status = $3, updated_at = )" WH_SQL_NOW R"(
   WHERE id = $1 AND status = 'pending' AND payment_status = 'pending'
  RETURNING id, coupon_code),
q AS (SELECT oi.variant_id, sum(oi.quantity)::int AS qty FROM order_items oi JOIN o ON o.id = oi.order_id
       GROUP BY oi.variant_id),
v AS (UPDATE variants v SET reserved_stock = GREATEST(v.reserved_stock - q.qty, 0)
        FROM q WHERE v.id = q.variant_id RETURNING v.product_id),
c AS (UPDATE discount_codes d SET used_count = GREATEST(d.used_count - 1, 0), updated_at = )" WH_SQL_NOW R"(
        FROM o WHERE o.coupon_code IS NOT NULL AND upper(d.code) = upper(o.coupon_code) RETURNING d.id)
SELECT DISTINCT product_id FROM v)";

// The units of each variant of the order $1.
#define WH_ORDER_UNITS \
  "WITH q AS (SELECT variant_id, sum(quantity)::int AS qty FROM order_items WHERE order_id = $1 GROUP BY variant_id) "

constexpr const char* kLockOrderSql = "SELECT status, payment_status FROM orders WHERE id = $1 FOR UPDATE";

constexpr const char* kLockShelfSql = WH_ORDER_UNITS
    "SELECT v.sku, v.stock - v.reserved_stock, q.qty FROM variants v JOIN q ON q.variant_id = v.id"
    " ORDER BY v.id FOR UPDATE OF v";

// Moves the order's units ($1) and records a stock movement per variant:
// reason $2, created_by $3 (NULL for the shop itself).
#define WH_UNITS_SQL(stock, reserved, type, quantity, previous)                                                    \
  WH_ORDER_UNITS ", v AS (UPDATE variants v SET stock = " stock ", reserved_stock = " reserved                     \
                 ", updated_at = " WH_SQL_NOW                                                                      \
                 " FROM q WHERE v.id = q.variant_id RETURNING v.id, v.product_id, v.stock AS new_stock, q.qty),"   \
                 " m AS (INSERT INTO stock_movements (id, variant_id, order_id, type, quantity, previous_stock,"   \
                 " new_stock, reason, created_by, created_at)"                                                     \
                 " SELECT 'c' || substr(md5(random()::text || v.id || clock_timestamp()::text), 1, 24), v.id, $1," \
                 " '" type "', " quantity ", " previous ", v.new_stock, $2, $3, " WH_SQL_NOW                       \
                 " FROM v RETURNING id) SELECT DISTINCT product_id FROM v"

constexpr const char* kSellReservedSql =
    WH_UNITS_SQL("v.stock - q.qty", "GREATEST(v.reserved_stock - q.qty, 0)", "sale", "-v.qty", "v.new_stock + v.qty");
constexpr const char* kSellFromShelfSql =
    WH_UNITS_SQL("v.stock - q.qty", "v.reserved_stock", "sale", "-v.qty", "v.new_stock + v.qty");
constexpr const char* kBackToShelfSql =
    WH_UNITS_SQL("v.stock + q.qty", "v.reserved_stock", "return", "v.qty", "v.new_stock - v.qty");

#undef WH_UNITS_SQL

constexpr const char* kCouponBackSql =
    "UPDATE discount_codes d SET used_count = GREATEST(d.used_count - 1, 0), updated_at = " WH_SQL_NOW
    " FROM orders o WHERE o.id = $1 AND o.coupon_code IS NOT NULL AND upper(d.code) = upper(o.coupon_code)";

constexpr const char* kSetStateSql =
    "UPDATE orders SET status = $2::text, payment_status = $3::text, updated_at = " WH_SQL_NOW
    ", shipped_at = CASE WHEN $2::text = 'shipped' THEN COALESCE(shipped_at, " WH_SQL_NOW
    ") ELSE shipped_at END"
    ", delivered_at = CASE WHEN $2::text = 'delivered' THEN COALESCE(delivered_at, " WH_SQL_NOW
    ") ELSE delivered_at END"
    " WHERE id = $1";

std::vector<std::string> products_of(const db::Result& r) {
  std::vector<std::string> products;
  for (int i = 0; i < r.rows(); ++i) products.emplace_back(r.get(i, 0));
  return products;
}

// Refuses (409) unless every variant of the order has its units available.
void require_shelf(const db::Result& r) {
  for (int i = 0; i < r.rows(); ++i) {
    int available = std::stoi(std::string(r.get(i, 1)));
    int needed = std::stoi(std::string(r.get(i, 2)));
    if (available < needed) {
      throw ApiError(409, "InsufficientStockError",
                     "Not enough stock to fulfil this order: " + std::string(r.get(i, 0)) + " has " +
                         std::to_string(std::max(available, 0)) + " available, the order needs " +
                         std::to_string(needed));
    }
  }
}

}  // namespace

const char* units_sql(StockMove move) {
  switch (move) {
    case StockMove::sell_reserved:
      return kSellReservedSql;
    case StockMove::sell_from_shelf:
      return kSellFromShelfSql;
    case StockMove::back_to_shelf:
      return kBackToShelfSql;
    default:
      return nullptr;
  }
}

Holding holding_of(std::string_view status, std::string_view payment_status) {
  if (status == "pending") return payment_status == "pending" ? Holding::reservation : Holding::nothing;
  if (status == "processing" || status == "shipped" || status == "delivered") return Holding::sale;
  return Holding::nothing;
}

StockMove stock_move(std::string_view from_status, std::string_view from_payment_status, std::string_view to) {
  Holding from = holding_of(from_status, from_payment_status);
  Holding target = holding_of(to, "");
  if (from == target) return StockMove::none;
  if (from == Holding::reservation)
    return target == Holding::sale ? StockMove::sell_reserved : StockMove::release_reservation;
  if (from == Holding::nothing) return StockMove::sell_from_shelf;
  return from_status == "processing" ? StockMove::back_to_shelf : StockMove::none;
}

Task<std::vector<std::string>> move_order(db::Db db, std::string order_id, std::optional<std::string> from_status,
                                          std::string from_payment_status, std::string to,
                                          std::string to_payment_status, std::string reason,
                                          std::optional<std::string> actor, std::optional<db::Statement> also) {
  std::vector<std::string> products;
  co_await db.transaction([&](db::Tx& tx) -> Task<void> {
    if (also) {
      // First in the transaction: a move that fails rolls it back too.
      co_await tx.query(also->sql, std::move(also->params));
    }
    db::Params lock{order_id};
    auto now = co_await tx.query(kLockOrderSql, std::move(lock));
    if (now.empty() || (from_status && now.get(0, 0) != *from_status) || now.get(0, 1) != from_payment_status) {
      throw ApiError(409, "ConflictError", "The order changed meanwhile; reload and try again");
    }
    std::string status(now.get(0, 0));
    auto move = stock_move(status, from_payment_status, to);
    if (move != StockMove::none) {
      // The variants locked in id order, as the checkout does: no deadlock.
      db::Params params{order_id};
      auto shelf = co_await tx.query(kLockShelfSql, std::move(params));
      if (move == StockMove::sell_from_shelf) require_shelf(shelf);
    }
    if (move == StockMove::release_reservation) {
      db::Params params{order_id, to, to_payment_status};
      auto released = co_await tx.query(kReleaseSql, std::move(params));
      products = products_of(released);
      co_return;
    }
    if (const char* stock_sql = units_sql(move)) {
      db::Params params{order_id, reason, actor};
      auto moved = co_await tx.query(stock_sql, std::move(params));
      products = products_of(moved);
    }
    if (to == "cancelled" && holding_of(status, from_payment_status) == Holding::sale) {
      db::Params params{order_id};
      co_await tx.query(kCouponBackSql, std::move(params));
    }
    db::Params params{order_id, to, to_payment_status};
    co_await tx.query(kSetStateSql, std::move(params));
  });
  co_return products;
}

Task<std::vector<std::string>> release_order(db::Db db, const std::string& order_id, std::string_view status,
                                             std::string_view payment_status) {
  db::Params params{order_id, status, payment_status};
  auto r = co_await db.query(kReleaseSql, std::move(params));
  co_return products_of(r);
}

void invalidate_stock(web::Services& services, const std::vector<std::string>& product_ids) {
  if (product_ids.empty()) return;
  std::vector<std::string> tags;
  for (const auto& id : product_ids) tags.push_back(cache::tags::product(id));
  services.get<cache::Registry>().invalidate(tags);
}

}  // namespace wh::orders
