#include "accounts/profile.h"

#include <boost/json.hpp>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "accounts/auth_state.h"
#include "accounts/authenticate.h"
#include "accounts/mail_queue.h"
#include "accounts/password_change.h"
#include "accounts/user_json.h"
#include "accounts/validation.h"
#include "commerce/addresses.h"
#include "core/error.h"
#include "core/json_text.h"
#include "db/sql_now.h"
#include "web/body_fields.h"
#include "web/respond.h"

namespace wh::accounts {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// The user object with the address book appended, in the order and shape of
// GET /api/addresses (commerce/addresses.cc: the profile test compares the
// two).
constexpr const char* kProfileSql =
    "SELECT left(" WH_USER_JSON
    ", -1) || ', \"addresses\" : ' || COALESCE((SELECT json_agg(json_build_object('id', a.id, 'userId', a.user_id,"
    " 'name', a.name, 'address', a.address, 'street', a.address, 'city', a.city, 'state', a.state,"
    " 'zipCode', a.zip_code, 'country', a.country, 'phone', a.phone, 'isDefault', a.is_default,"
    " 'createdAt', wh_iso(a.created_at), 'updatedAt', wh_iso(a.updated_at))"
    " ORDER BY a.is_default DESC, a.created_at DESC, a.id DESC) FROM addresses a WHERE a.user_id = u.id), '[]')::text"
    " || '}' FROM users u WHERE u.id = $1";

// $1 user, $2 first name, $3 last name (NULL: kept), $4 whether the phone
// is set, $5 the phone (NULL clears it).
constexpr const char* kUpdateSql =
    "UPDATE users u SET first_name = COALESCE($2, u.first_name), last_name = COALESCE($3, u.last_name),"
    " phone = CASE WHEN $4::bool THEN $5 ELSE u.phone END, updated_at = " WH_SQL_NOW
    " WHERE u.id = $1 RETURNING " WH_USER_JSON;

// last_password_change voids every token issued so far (see profile.h).
constexpr const char* kDeactivateSql =
    "UPDATE users SET " WH_DEACTIVATE_ACCOUNT_SET " WHERE id = $1 AND is_active RETURNING email, first_name";

Response message(std::string_view text) {
  return Response::json(json::serialize(json::object{{"success", true}, {"message", text}}));
}

// A 400 whose message is "Validation failed" gets its first field's message
// (the fields stay): the storefront's toasts show the message only.
ApiError with_field_message(const ApiError& e) {
  if (e.status() != 400 || e.fields().empty() || std::string_view(e.what()) != "Validation failed") return e;
  ApiError out(400, e.type(), e.fields().front().message);
  for (const auto& f : e.fields()) out.with_field(f.field, f.message);
  return out;
}

template <typename Reader>
void finish(const Reader& in) {
  try {
    in.finish();
  } catch (const ApiError& e) {
    throw with_field_message(e);
  }
}

// `body` with the strings of `fields` trimmed, as the old route trimmed them.
json::object trimmed(json::object body, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    auto* v = body.if_contains(f);
    if (v == nullptr || !v->is_string()) continue;
    std::string s(v->as_string());
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && space(s.back())) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && space(s[start])) ++start;
    *v = json::string(s.substr(start));
  }
  return body;
}

Task<Response> get_profile(Context& ctx) {
  const Principal& p = require_user(ctx);
  db::Params params{p.id};
  auto r = co_await ctx.db().query(kProfileSql, std::move(params));
  if (r.empty()) throw ApiError(404, "NotFoundError", "User not found");
  co_return web::ok_data(r.get(0, 0));
}

Task<Response> update_profile(Context& ctx) {
  const Principal& p = require_user(ctx);
  auto body = trimmed(json_body(ctx.req), {"firstName", "lastName", "phone"});
  const bool first_given = body.contains("firstName"), last_given = body.contains("lastName"),
             phone_given = body.contains("phone");
  if (!first_given && !last_given && !phone_given) {
    throw ApiError::bad_request("At least one field must be provided for update");
  }
  BodyReader in(body);
  std::optional<std::string> first, last, phone;
  if (first_given) first = in.name("firstName");
  if (last_given) last = in.name("lastName");
  if (phone_given) phone = in.phone("phone");  // nullopt for "" and null: cleared
  finish(in);
  std::string user_id = p.id;
  db::Params params{user_id, first, last, phone_given, phone};
  auto r = co_await ctx.db().query(kUpdateSql, std::move(params));
  if (r.empty()) throw ApiError(404, "NotFoundError", "User not found");
  ctx.get<AuthState>().principals.invalidate(user_id);
  std::string user = compact_json(r.get(0, 0));
  std::string data = user.substr(0, user.size() - 1) + R"(,"data":{"user":)" + user + "}}";
  co_return web::ok_data_message(data, "Profile updated successfully");
}

Task<Response> update_password(Context& ctx) {
  PasswordChangeOptions options;
  options.confirmation = true;
  options.notify = true;
  try {
    co_await change_own_password(ctx, options);
  } catch (const ApiError& e) {
    throw with_field_message(e);
  }
  co_return message("Password updated successfully");
}

Task<Response> deactivate(Context& ctx) {
  const Principal& p = require_user(ctx);
  auto body = json_body(ctx.req);
  web::BodyFields in(body);
  auto reason = in.nullable_text("reason", 500);
  finish(in);
  std::string user_id = p.id;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params params{user_id};
    auto r = co_await tx.query(kDeactivateSql, std::move(params));
    // Deactivated by a parallel request since this one was authenticated.
    if (r.empty()) throw ApiError(401, "UnauthorizedError", "Account has been deactivated");
    std::string name(r.get(0, 1));
    QueuedEmail mail{"account_deactivated", std::string(r.get(0, 0)), "Account Deactivated - WigHaven",
                     "accountDeactivated",
                     json::object{{"name", name.empty() ? std::string("User") : name},
                                  {"reason", reason.value ? json::value(*reason.value) : json::value(nullptr)},
                                  {"support_link", ctx.config().frontend_url + "/support"}}};
    co_await tx.query_and_commit(kQueueEmailSql, queue_email_params(ctx.config(), mail));
  });
  ctx.get<AuthState>().principals.invalidate(user_id);
  co_return message("Account deactivated successfully");
}

}  // namespace

void register_profile_routes(web::Router& router) {
  router.add("GET", "/api/profile", get_profile);
  router.add("PUT", "/api/profile", update_profile);
  router.add("PUT", "/api/profile/password", update_password);
  router.add("DELETE", "/api/profile", deactivate);
  commerce::register_profile_address_routes(router);
}

}  // namespace wh::accounts
