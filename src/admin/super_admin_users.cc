#include "admin/super_admin_users.h"

#include <boost/json.hpp>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>

#include "accounts/auth_state.h"
#include "accounts/authenticate.h"
#include "accounts/password_change.h"
#include "accounts/profile.h"
#include "accounts/user_json.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "admin/admin_user_sql.h"
#include "core/error.h"
#include "core/json_text.h"
#include "db/result.h"
#include "db/sql_now.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr int kListed = 100;

// $1 how many. The newest accounts with their order statistics, read for
// those accounts only.
constexpr const char* kListSql =
    "SELECT COALESCE(json_agg(json_build_object(" WH_ADMIN_USER_JSON ", " WH_ADMIN_USER_STATS
    ") ORDER BY u.created_at DESC, u.id DESC), '[]'::json)::text"
    " FROM (SELECT id, email, first_name, last_name, phone, role, email_verified, is_active, created_at, updated_at"
    "   FROM users ORDER BY created_at DESC, id DESC LIMIT $1) u" WH_ADMIN_USER_LATERAL;

// $1 user, $2 bcrypt hash, $3 activity. How many accounts changed (0 or 1).
constexpr const char* kResetPasswordSql =
    "WITH c AS (UPDATE users SET password = $2, last_password_change = " WH_SQL_NOW
    ", failed_login_attempts = 0, locked_until = NULL, updated_at = " WH_SQL_NOW
    " WHERE id = $1 RETURNING id), " WH_ADMIN_ACTIVITY("c", "$3") " SELECT count(*) FROM c";

// $1 user, $2 activity. {id, email, isActive}; no row: unknown user.
constexpr const char* kLogoutSql =
    "WITH c AS (UPDATE users SET " WH_DEACTIVATE_ACCOUNT_SET " WHERE id = $1 RETURNING id, email, is_active), "
    WH_ADMIN_ACTIVITY("c", "$2") " SELECT json_build_object('id', c.id, 'email', c.email, 'isActive', c.is_active)::text"
    " FROM c";

// $1 user, $2 role, $3 activity. The public user object; no row: unknown.
constexpr const char* kRoleSql =
    "WITH c AS (UPDATE users SET role = $2, updated_at = " WH_SQL_NOW
    " WHERE id = $1 RETURNING *), " WH_ADMIN_ACTIVITY("c", "$3") " SELECT " WH_USER_JSON " FROM c u";

// $1 user, $2 first name, $3 last name, $4 e-mail (NULL: kept), $5 whether
// the phone is set, $6 the phone (NULL clears it), $7 activity.
constexpr const char* kUpdateSql =
    "WITH c AS (UPDATE users u SET first_name = COALESCE($2, u.first_name), last_name = COALESCE($3, u.last_name),"
    " email = COALESCE($4, u.email), phone = CASE WHEN $5::bool THEN $6 ELSE u.phone END, updated_at = " WH_SQL_NOW
    " WHERE u.id = $1 RETURNING u.*), " WH_ADMIN_ACTIVITY("c", "$7") " SELECT " WH_USER_JSON " FROM c u";

constexpr const char* kNotFound = "User not found";

const accounts::Principal& require_super_admin(const Context& ctx) {
  return accounts::require_role(ctx, {"super_admin"});
}

// A user id from a body or path: anything that cannot be an id names no user.
std::string existing_id(std::string_view id) {
  if (!web::plausible_id(id)) web::throw_not_found(kNotFound);
  return std::string(id);
}

// The body's `userId`: 400 when missing or not a string, 404 when it cannot
// be an id.
std::string body_user_id(const json::object& body) {
  accounts::BodyReader in(body);
  auto id = in.string("userId", true, "\"userId\" is required");
  in.finish();
  return existing_id(*id);
}

Response with_user(std::string_view user_json) {
  return Response::json(R"({"success":true,"user":)" + compact_json(user_json) + "}");
}

void forget(Context& ctx, const std::string& id) { ctx.get<accounts::AuthState>().principals.invalidate(id); }

// Whitespace around the strings of `fields` removed, as the profile does.
json::object trimmed(json::object body, std::initializer_list<const char*> fields) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  for (const char* f : fields) {
    auto* v = body.if_contains(f);
    if (v == nullptr || !v->is_string()) continue;
    std::string_view s = v->as_string();
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    *v = json::string(s);
  }
  return body;
}

Task<Response> list_users(Context& ctx) {
  require_super_admin(ctx);
  db::Params params{kListed};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return Response::json(R"({"success":true,"users":)" + compact_json(r.get(0, 0)) + "}");
}

Task<Response> reset_password(Context& ctx) {
  const auto& admin = require_super_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  accounts::BodyReader in(body);
  auto id = in.string("userId", true, "\"userId\" is required");
  auto password = in.new_password("newPassword", "New password");
  in.finish();
  std::string user_id = existing_id(*id);
  if (user_id == admin.id) {
    throw ApiError::bad_request("Change your own password with your current one (POST /api/auth/change-password)");
  }
  std::string hash = co_await accounts::bcrypt_hash(ctx, *password);
  Activity activity{"user.reset_password", "user", json::object{}};
  db::Params params{user_id, hash, activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kResetPasswordSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found(kNotFound);
  forget(ctx, user_id);
  co_return Response::json(R"({"success":true,"message":"Password reset successfully"})");
}

Task<Response> logout_user(Context& ctx) {
  const auto& admin = require_super_admin(ctx);
  std::string user_id = body_user_id(accounts::json_body(ctx.req));
  if (user_id == admin.id) throw ApiError::bad_request("You cannot log out and deactivate your own account");
  Activity activity{"user.logout", "user", json::object{{"isActive", false}}};
  db::Params params{user_id, activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kLogoutSql, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  forget(ctx, user_id);
  co_return web::ok_data_message(r.get(0, 0), "User deactivated and signed out everywhere");
}

Task<Response> change_role(Context& ctx) {
  const auto& admin = require_super_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto id = in.text("userId", 255, true);
  auto role = in.one_of("role", {"admin", "customer", "super_admin"});
  if (!in.has("role")) in.add("role", "\"role\" is required");
  in.finish();
  std::string user_id = existing_id(*id);
  if (user_id == admin.id && *role != "super_admin") {
    throw ApiError::bad_request("You cannot change your own role");
  }
  Activity activity{"user.role", "user", json::object{{"role", *role}}};
  db::Params params{user_id, *role, activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kRoleSql, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  forget(ctx, user_id);
  co_return with_user(r.get(0, 0));
}

Task<Response> update_user(Context& ctx) {
  require_super_admin(ctx);
  std::string user_id = existing_id(ctx.param("id"));
  auto body = trimmed(accounts::json_body(ctx.req), {"firstName", "lastName", "email", "phone"});
  json::array given;
  for (const char* f : {"email", "firstName", "lastName", "phone"}) {
    if (body.contains(f)) given.emplace_back(f);
  }
  if (given.empty()) throw ApiError::bad_request("At least one field must be provided for update");
  accounts::BodyReader in(body);
  std::optional<std::string> first, last, email, phone;
  if (body.contains("firstName")) first = in.name("firstName");
  if (body.contains("lastName")) last = in.name("lastName");
  if (body.contains("email")) email = in.email("email");
  const bool phone_given = body.contains("phone");
  if (phone_given) phone = in.phone("phone");  // nullopt for "" and null: cleared
  in.finish();
  // The field names only: the values are personal data.
  Activity activity{"user.update", "user", json::object{{"fields", std::move(given)}}};
  db::Params params{user_id, first, last, email, phone_given, phone, activity_param(ctx, activity)};
  std::optional<db::Result> r;
  try {
    r = co_await ctx.db().query(kUpdateSql, std::move(params));
  } catch (const db::DbError& e) {
    if (e.unique_violation()) throw ApiError(409, "ConflictError", "This email is already in use by another account");
    throw;
  }
  if (r->empty()) web::throw_not_found(kNotFound);
  forget(ctx, user_id);
  co_return with_user(r->get(0, 0));
}

}  // namespace

void register_super_admin_user_routes(web::Router& router) {
  router.add("GET", "/api/super-admin/users", list_users);
  router.add("POST", "/api/super-admin/users/reset-password", reset_password);
  router.add("POST", "/api/super-admin/users/logout", logout_user);
  router.add("POST", "/api/super-admin/users/role", change_role);
  router.add("PUT", "/api/super-admin/users/:id", update_user);
}

}  // namespace wh::admin
