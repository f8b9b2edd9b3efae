#include "commerce/stock_alerts.h"

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/validation.h"
#include "core/error.h"
#include "core/ids.h"
#include "db/sql_now.h"
#include "security/route_limit.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::commerce {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// $1 variant, $2 e-mail (lower case), $3 the user (NULL: a guest), $4 a new
// id. Returns whether the variant exists, whether it and its product are
// active, its available stock and how many alerts were added (0: a pending
// one exists). The unique indexes decide a race between two subscriptions.
constexpr const char* kSubscribeSql =
    "WITH v AS (SELECT v.id, v.is_active AND p.is_active AS active, v.stock - v.reserved_stock AS available"
    " FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1),"
    " pending AS (SELECT 1 FROM back_in_stock_alerts a WHERE a.variant_id = $1 AND NOT a.notified"
    " AND (lower(a.email) = $2 OR a.user_id = $3)"
    " UNION ALL SELECT 1 FROM wh_guest_stock_alerts g WHERE g.variant_id = $1 AND NOT g.notified"
    " AND lower(g.email) = $2),"
    " ok AS (SELECT v.id FROM v WHERE v.active AND v.available <= 0 AND NOT EXISTS (SELECT 1 FROM pending)),"
    " added_user AS (INSERT INTO back_in_stock_alerts AS a (id, user_id, variant_id, email, notified, created_at)"
    " SELECT $4, $3, ok.id, $2, false, " WH_SQL_NOW
    " FROM ok WHERE $3::varchar IS NOT NULL"
    " ON CONFLICT (user_id, variant_id) DO UPDATE SET email = EXCLUDED.email, notified = false, notified_at = NULL,"
    " created_at = EXCLUDED.created_at WHERE a.notified RETURNING a.id),"
    " added_guest AS (INSERT INTO wh_guest_stock_alerts (id, variant_id, email)"
    " SELECT $4, ok.id, $2 FROM ok WHERE $3::varchar IS NULL"
    " ON CONFLICT (lower(email), variant_id) WHERE NOT notified DO NOTHING RETURNING id)"
    " SELECT (SELECT count(*) FROM v), COALESCE((SELECT active FROM v), false), COALESCE((SELECT available FROM v), 0),"
    " (SELECT count(*) FROM added_user) + (SELECT count(*) FROM added_guest)";

// $1 variant, $2 e-mail (lower case), $3 the user (NULL: a guest).
constexpr const char* kUnsubscribeSql =
    "WITH a AS (DELETE FROM back_in_stock_alerts WHERE variant_id = $1 AND NOT notified"
    " AND (lower(email) = $2 OR user_id = $3) RETURNING 1),"
    " g AS (DELETE FROM wh_guest_stock_alerts WHERE variant_id = $1 AND NOT notified AND lower(email) = $2 RETURNING 1)"
    " SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM g)";

constexpr const char* kRequired = "Variant ID and email are required";

// The caller's address: the body's `email` (checked and lower-cased), else
// the signed-in account's; a guest must give one.
std::string email_of(Context& ctx, const json::object& body) {
  const auto* v = body.if_contains("email");
  bool given = v != nullptr && !v->is_null() && !(v->is_string() && v->as_string().empty());
  if (!given) {
    if (ctx.auth.principal) return accounts::normalize_email(ctx.auth.principal->email);
    throw ApiError::bad_request(kRequired).with_field("email", "Email is required");
  }
  accounts::BodyReader in(body);
  auto email = in.email();
  try {
    in.finish();
  } catch (const ApiError& e) {
    // The message of the field, for the storefront's toast.
    ApiError out(400, "ValidationError", e.fields().empty() ? e.what() : e.fields().front().message);
    for (const auto& f : e.fields()) out.with_field(f.field, f.message);
    throw out;
  }
  return *email;
}

std::optional<std::string> user_of(const Context& ctx) {
  if (ctx.auth.principal) return ctx.auth.principal->id;
  return std::nullopt;
}

void limit(Context& ctx) {
  security::enforce_rate_limit(ctx, kStockAlertLimit, ctx.req.client_ip,
                               "Too many stock alert requests. Please try again later.");
}

Task<Response> subscribe(Context& ctx) {
  limit(ctx);
  auto body = accounts::json_body(ctx.req);
  const auto* v = body.if_contains("variantId");
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    throw ApiError::bad_request(kRequired).with_field("variantId", "Variant ID is required");
  }
  std::string variant(v->as_string());
  std::string email = email_of(ctx, body);
  if (!web::plausible_id(variant)) web::throw_not_found("Product variant not found");
  db::Params params{variant, email, user_of(ctx), new_cuid()};
  auto r = co_await ctx.db().query(kSubscribeSql, std::move(params));
  if (r.get_int(0, 0) == 0 || !r.get_bool(0, 1)) web::throw_not_found("Product variant not found");
  if (r.get_int(0, 2) > 0) throw ApiError::bad_request("This item is in stock now");
  if (r.get_int(0, 3) == 0) {
    throw ApiError(409, "ConflictError", "You are already subscribed to alerts for this item");
  }
  co_return Response::json(R"({"success":true,"message":"You will be notified when this item is back in stock"})", 201);
}

Task<Response> unsubscribe(Context& ctx) {
  limit(ctx);
  auto body = accounts::json_body(ctx.req);
  std::string email = email_of(ctx, body);
  auto variant = ctx.param("variantId");
  if (!web::plausible_id(variant)) web::throw_not_found("Subscription not found");
  db::Params params{variant, email, user_of(ctx)};
  auto r = co_await ctx.db().query(kUnsubscribeSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("Subscription not found");
  co_return Response::json(R"({"success":true,"message":"Unsubscribed from alerts"})");
}

}  // namespace

void register_stock_alert_routes(web::Router& router) {
  for (std::string_view prefix : {"/api/stock/notify", "/api/admin/stock/notify"}) {
    router.add("POST", prefix, subscribe);
    router.add("DELETE", std::string(prefix) + "/:variantId", unsubscribe);
  }
  // The later storefront's "Notify me" dialog (RestockNotificationModal).
  router.add("POST", "/api/notifications/restock-request", subscribe);
}

}  // namespace wh::commerce
