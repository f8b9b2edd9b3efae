#include "orders/order_routes.h"

#include <boost/json.hpp>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "core/json_text.h"
#include "orders/admin_orders.h"
#include "orders/checkout.h"
#include "orders/order_access.h"
#include "orders/order_json.h"
#include "orders/reservations.h"
#include "security/rate_limiter.h"
#include "security/route_limit.h"
#include "web/query_params.h"

namespace wh::orders {
namespace json = boost::json;

namespace {

// The confirmation page polls every 3 s (20 a minute); a few tabs fit.
const security::RatePolicy kOrderReads{"order-read", 120, std::chrono::seconds(60)};

constexpr int kDefaultMyOrders = 10;

Task<http::Response> get_order(web::Context& ctx) {
  security::enforce_rate_limit(ctx, kOrderReads, ctx.req.client_ip, "Too many requests, please try again later.");
  auto order = co_await load_order(ctx, ctx.param("order_number"));
  authorise(ctx, order, ctx.req.query_param("email"));
  co_return order_response(order.json);
}

std::string my_orders_sql() {
  return R"(WITH f AS (SELECT o.* FROM orders o WHERE o.user_id = $1 AND ($2::text IS NULL OR o.status = $2)),
t AS (SELECT count(*)::int AS n FROM f)
SELECT json_build_object(
  'orders', COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
      SELECT )" +
         order_json_sql() + R"( AS j, o.created_at, o.id FROM f o
       ORDER BY o.created_at DESC, o.id DESC LIMIT $3 OFFSET $4) x), '[]'::json),
  'pagination', json_build_object('page', $5::int, 'limit', $3::int, 'total', t.n,
                                  'pages', (t.n + $3::int - 1) / $3::int))::text
FROM t)";
}

Task<http::Response> my_orders(web::Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", kDefaultMyOrders, web::kMaxPageSize);
  std::vector<std::string_view> statuses(std::begin(kStatuses), std::end(kStatuses));
  statuses.insert(statuses.begin(), "all");
  std::string status = q.choice("status", statuses, "all");
  q.finish();
  static const std::string sql = my_orders_sql();
  std::optional<std::string> status_param;
  if (status != "all") status_param = status;
  db::Params params{user.id, status_param, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(sql, std::move(params));
  co_return http::Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) + "}");
}

constexpr const char* kCancelReleasedSql =
    "UPDATE orders SET status = 'cancelled', updated_at = " WH_SQL_NOW
    " WHERE id = $1 AND status = 'pending' AND payment_status NOT IN ('paid', 'refund_pending', 'refunded')"
    " RETURNING id";

Task<http::Response> cancel_order(web::Context& ctx) {
  std::optional<std::string> email;
  if (!ctx.req.body.empty()) {
    auto body = accounts::json_body(ctx.req);
    if (const auto* e = body.if_contains("email"); e != nullptr && e->is_string()) email = std::string(e->as_string());
  }
  auto order = co_await load_order(ctx, ctx.param("order_number"));
  std::optional<std::string_view> given;
  if (email) given = *email;
  authorise(ctx, order, given);
  if (order.status != "pending") throw ApiError(400, "ValidationError", "Order cannot be cancelled");
  if (order.payment_status == "paid") throw ApiError(400, "ValidationError", "Paid orders cannot be cancelled");
  auto products = co_await release_order(ctx.db(), order.id, "cancelled", "failed");
  if (products.empty()) {
    // Nothing held any more (a refused charge released it): only the status.
    db::Params params{order.id};
    auto r = co_await ctx.db().query(kCancelReleasedSql, std::move(params));
    if (r.empty()) throw ApiError(400, "ValidationError", "Order cannot be cancelled");
  }
  invalidate_stock(ctx.services, products);
  auto fresh = co_await load_order(ctx, ctx.param("order_number"));
  co_return order_response(fresh.json, "Order cancelled successfully");
}

}  // namespace

void register_routes(web::Router& router) {
  router.add("POST", "/api/orders", create_order);
  router.add("GET", "/api/orders", my_orders);
  router.add("GET", "/api/orders/:order_number", get_order);
  router.add("POST", "/api/orders/:order_number/cancel", cancel_order);
  register_admin_routes(router);
}

}  // namespace wh::orders
