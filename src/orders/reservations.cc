#include "orders/reservations.h"

#include "cache/registry.h"
#include "cache/tags.h"

namespace wh::orders {

namespace {

constexpr const char* kReleaseSql = R"(
WITH o AS (
  UPDATE orders SET status = $2, payment_status = $3, updated_at = )" WH_ORDERS_NOW R"(
   WHERE id = $1 AND status = 'pending' AND payment_status = 'pending'
  RETURNING id, coupon_code),
q AS (SELECT oi.variant_id, sum(oi.quantity)::int AS qty FROM order_items oi JOIN o ON o.id = oi.order_id
       GROUP BY oi.variant_id),
v AS (UPDATE variants v SET reserved_stock = GREATEST(v.reserved_stock - q.qty, 0)
        FROM q WHERE v.id = q.variant_id RETURNING v.product_id),
c AS (UPDATE discount_codes d SET used_count = GREATEST(d.used_count - 1, 0), updated_at = )" WH_ORDERS_NOW R"(
        FROM o WHERE o.coupon_code IS NOT NULL AND upper(d.code) = upper(o.coupon_code) RETURNING d.id)
SELECT DISTINCT product_id FROM v)";

}  // namespace

Task<std::vector<std::string>> release_order(db::Db db, const std::string& order_id, std::string_view status,
                                             std::string_view payment_status) {
  db::Params params{order_id, status, payment_status};
  auto r = co_await db.query(kReleaseSql, std::move(params));
  std::vector<std::string> products;
  for (int i = 0; i < r.rows(); ++i) products.emplace_back(r.get(i, 0));
  co_return products;
}

void invalidate_stock(web::Services& services, const std::vector<std::string>& product_ids) {
  if (product_ids.empty()) return;
  std::vector<std::string> tags;
  for (const auto& id : product_ids) tags.push_back(cache::tags::product(id));
  services.get<cache::Registry>().invalidate(tags);
}

}  // namespace wh::orders
