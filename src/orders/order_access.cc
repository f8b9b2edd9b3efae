#include "orders/order_access.h"

#include <boost/json.hpp>

#include "accounts/validation.h"
#include "core/json_text.h"
#include "orders/order_json.h"

namespace wh::orders {

namespace {

std::string load_sql(bool or_id) {
  return "SELECT o.id, o.user_id, o.customer_email, o.status, o.payment_status, COALESCE(o.paystack_reference, ''), " +
         order_json_sql() + "::text FROM orders o WHERE o.order_number = $1" + (or_id ? " OR o.id = $1" : "");
}

}  // namespace

Task<OrderRow> load_order(web::Context& ctx, std::string_view key, bool or_id) {
  static const std::string by_number = load_sql(false);
  static const std::string by_number_or_id = load_sql(true);
  if (key.empty() || key.size() > 50) throw ApiError::not_found("Order not found");
  db::Params params{key};
  auto r = co_await ctx.db().query(or_id ? by_number_or_id : by_number, std::move(params));
  if (r.empty()) throw ApiError::not_found("Order not found");
  OrderRow o;
  o.id = std::string(r.get(0, 0));
  if (auto u = r.get_opt(0, 1)) o.user_id = std::string(*u);
  o.customer_email = std::string(r.get(0, 2));
  o.status = std::string(r.get(0, 3));
  o.payment_status = std::string(r.get(0, 4));
  o.reference = std::string(r.get(0, 5));
  o.json = compact_json(r.get(0, 6));
  co_return o;
}

void authorise(const web::Context& ctx, const OrderRow& order, std::optional<std::string_view> email) {
  const auto& p = ctx.auth.principal;
  if (p && p->is_admin()) return;
  if (p && order.user_id && *order.user_id == p->id) return;
  if (email && !email->empty() &&
      accounts::normalize_email(*email) == accounts::normalize_email(order.customer_email)) {
    return;
  }
  throw ApiError(403, "ForbiddenError", "Unauthorized");
}

http::Response order_response(const std::string& order_json, std::string_view message) {
  std::string body = R"({"success":true,"data":{"order":)" + order_json + "}";
  if (!message.empty()) body += ",\"message\":" + boost::json::serialize(boost::json::string(message));
  return http::Response::json(body + "}");
}

}  // namespace wh::orders
