#include "mail/unsubscribe_routes.h"

#include <boost/json.hpp>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "core/ids.h"
#include "db/db.h"
#include "db/sql_now.h"
#include "mail/unsubscribe_link.h"
#include "security/route_limit.h"
#include "web/context.h"
#include "web/respond.h"
#include "web/router.h"

namespace wh::mail {

namespace json = boost::json;
using web::Context;

namespace {

const security::RatePolicy kUnsubscribeLimit{"unsubscribe", 20, std::chrono::hours(1)};
const char* const kLimitMessage = "Too many unsubscribe requests. Please try again later.";

// Unsubscribes `$2` from everything; the account with that address (when
// it has no preferences row of its own yet) is linked.
constexpr const char* kUnsubscribeAll =
    "INSERT INTO email_preferences AS p (id, user_id, email, unsubscribed_from_all, marketing_emails,"
    " abandoned_cart_emails, back_in_stock_emails, created_at, updated_at)"
    " VALUES ($1, (SELECT u.id FROM users u WHERE u.email = $2"
    " AND NOT EXISTS (SELECT 1 FROM email_preferences e WHERE e.user_id = u.id)),"
    " $2, true, false, false, false, " WH_SQL_NOW ", " WH_SQL_NOW
    ")"
    " ON CONFLICT (email) DO UPDATE SET unsubscribed_from_all = true, updated_at = " WH_SQL_NOW;

constexpr const char* kPreferenceJson =
    "json_build_object('id', p.id, 'userId', p.user_id, 'email', p.email, 'unsubscribedFromAll',"
    " p.unsubscribed_from_all, 'marketingEmails', p.marketing_emails, 'abandonedCartEmails',"
    " p.abandoned_cart_emails, 'backInStockEmails', p.back_in_stock_emails, 'createdAt', wh_iso(p.created_at),"
    " 'updatedAt', wh_iso(p.updated_at))::text";

constexpr const char* kDefaults =
    R"({"unsubscribedFromAll":false,"marketingEmails":true,"abandonedCartEmails":true,"backInStockEmails":true})";

http::Response message(std::string_view text) {
  json::object body{{"success", true}, {"message", text}};
  return http::Response::json(json::serialize(body));
}

Task<void> unsubscribe_everything(Context& ctx, const std::string& email) {
  db::Params params{new_cuid(), email};
  co_await ctx.db().query(kUnsubscribeAll, params);
}

Task<http::Response> unsubscribe(Context& ctx) {
  security::enforce_rate_limit(ctx, kUnsubscribeLimit, ctx.req.client_ip, kLimitMessage);
  auto body = accounts::json_body(ctx.req);
  accounts::BodyReader in(body);
  auto email = in.email();
  in.finish();
  co_await unsubscribe_everything(ctx, *email);
  co_return message("Successfully unsubscribed from all emails");
}

Task<http::Response> get_preferences(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  static const std::string sql = std::string("SELECT ") + kPreferenceJson +
                                 " FROM email_preferences p WHERE p.email = $1 OR p.user_id = $2"
                                 " ORDER BY (p.email = $1) DESC LIMIT 1";
  db::Params params{user.email, user.id};
  auto r = co_await ctx.db().query(sql.c_str(), params);
  co_return web::ok_data(r.empty() ? std::string_view(kDefaults) : r.get(0, 0));
}

Task<http::Response> put_preferences(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  auto body = accounts::json_body(ctx.req);
  ValidationErrors errors;
  bool values[3] = {false, false, false};
  const char* const fields[3] = {"marketingEmails", "abandonedCartEmails", "backInStockEmails"};
  for (int i = 0; i < 3; ++i) {
    const auto* v = body.if_contains(fields[i]);
    if (v == nullptr) {
      errors.add(fields[i], std::string("\"") + fields[i] + "\" is required");
    } else if (!v->is_bool()) {
      errors.add(fields[i], std::string("\"") + fields[i] + "\" must be a boolean");
    } else {
      values[i] = v->as_bool();
    }
  }
  errors.throw_if_any();
  const bool all_off = !values[0] && !values[1] && !values[2];
  // The row of the account's address, else the account's row (its address
  // changed since), else a new one.
  static const std::string sql =
      std::string(
          "WITH existing AS (SELECT id FROM email_preferences WHERE email = $2 OR user_id = $1"
          " ORDER BY (email = $2) DESC LIMIT 1),"
          " updated AS (UPDATE email_preferences p SET marketing_emails = $3::boolean, abandoned_cart_emails = "
          "$4::boolean,"
          " back_in_stock_emails = $5::boolean, unsubscribed_from_all = $6::boolean, updated_at = " WH_SQL_NOW
          " FROM existing WHERE p.id = existing.id RETURNING p.*),"
          " inserted AS (INSERT INTO email_preferences (id, user_id, email, marketing_emails, abandoned_cart_emails,"
          " back_in_stock_emails, unsubscribed_from_all, created_at, updated_at)"
          " SELECT $7, $1, $2, $3::boolean, $4::boolean, $5::boolean, $6::boolean, " WH_SQL_NOW ", " WH_SQL_NOW
          " WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING *)"
          " SELECT ") +
      kPreferenceJson + " FROM (SELECT * FROM updated UNION ALL SELECT * FROM inserted) p";
  db::Params params{user.id,
                    user.email,
                    values[0] ? "true" : "false",
                    values[1] ? "true" : "false",
                    values[2] ? "true" : "false",
                    all_off ? "true" : "false",
                    new_cuid()};
  auto r = co_await ctx.db().query(sql.c_str(), params);
  co_return web::ok_data_message(r.get(0, 0), "Email preferences updated successfully");
}

// The address of a valid one-click link; 400 otherwise.
std::string one_click_address(Context& ctx) {
  security::enforce_rate_limit(ctx, kUnsubscribeLimit, ctx.req.client_ip, kLimitMessage);
  auto email = ctx.req.query_param("email");
  auto token = ctx.req.query_param("token");
  const std::string address = email ? accounts::normalize_email(*email) : std::string();
  if (address.empty() || !token || !valid_unsubscribe_token(unsubscribe_secret(ctx.config()), address, *token)) {
    throw ApiError(400, "ValidationError", "Invalid unsubscribe link");
  }
  return address;
}

Task<http::Response> one_click_page(Context& ctx) {
  std::string address = one_click_address(ctx);
  co_await unsubscribe_everything(ctx, address);
  http::Response res;
  res.content_type = http::Bytes::literal("text/html; charset=utf-8");
  res.body = std::string(
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribed</title></head>"
      "<body style=\"font-family:Helvetica,Arial,sans-serif;max-width:520px;margin:48px auto;padding:0 16px\">"
      "<h1>You are unsubscribed</h1><p>You will no longer receive marketing, abandoned-cart or back-in-stock"
      " e-mails from WigHaven. Messages about your orders and your account still reach you.</p>"
      "<p>You can change this at any time in your account settings.</p></body></html>");
  co_return res;
}

Task<http::Response> one_click_post(Context& ctx) {
  std::string address = one_click_address(ctx);
  co_await unsubscribe_everything(ctx, address);
  co_return message("Successfully unsubscribed from all emails");
}

}  // namespace

void register_unsubscribe_routes(web::Router& router) {
  router.add("POST", "/api/unsubscribe", unsubscribe);
  router.add("GET", "/api/unsubscribe/preferences", get_preferences);
  router.add("PUT", "/api/unsubscribe/preferences", put_preferences);
  router.add("GET", "/api/unsubscribe/one-click", one_click_page);
  router.add("POST", "/api/unsubscribe/one-click", one_click_post);
}

}  // namespace wh::mail
