#include "admin/admin_users.h"

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "accounts/auth_state.h"
#include "accounts/authenticate.h"
#include "accounts/profile.h"
#include "admin/activity_log.h"
#include "admin/admin_user_sql.h"
#include "core/json_text.h"
#include "db/sql_now.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// $1 caller is a super admin (else super admins are not listed), $2 search
// pattern or NULL, $3 limit, $4 offset, $5 page. The order statistics are
// read for the page's users only.
constexpr const char* kListSql =
    "WITH f AS (SELECT u.id, u.created_at FROM users u"
    "   WHERE ($1::boolean OR u.role <> 'super_admin')"
    "     AND ($2::text IS NULL OR u.email ILIKE $2 OR u.first_name ILIKE $2 OR u.last_name ILIKE $2"
    "          OR (u.first_name || ' ' || u.last_name) ILIKE $2)),"
    " t AS (SELECT count(*)::int AS n FROM f)"
    " SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM ("
    "   SELECT json_build_object(" WH_ADMIN_USER_JSON ", " WH_ADMIN_USER_STATS
    ") AS j, u.created_at, u.id"
    "   FROM (SELECT id FROM f ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4) p"
    "   JOIN users u ON u.id = p.id" WH_ADMIN_USER_LATERAL
    ") x), '[]'::json)::text,"
    " json_build_object('page', $5::int, 'limit', $3::int, 'total', t.n, 'pages', (t.n + $3::int - 1) / $3::int)::text"
    " FROM t";

// $1 id, $2 caller is a super admin. The addresses as GET /api/addresses
// lists them; the 10 latest orders.
constexpr const char* kDetailSql =
    "SELECT json_build_object(" WH_ADMIN_USER_JSON
    ", 'addresses', COALESCE((SELECT json_agg(json_build_object('id', a.id, 'userId', a.user_id, 'name', a.name,"
    "   'address', a.address, 'street', a.address, 'city', a.city, 'state', a.state, 'zipCode', a.zip_code,"
    "   'country', a.country, 'phone', a.phone, 'isDefault', a.is_default, 'createdAt', wh_iso(a.created_at),"
    "   'updatedAt', wh_iso(a.updated_at)) ORDER BY a.is_default DESC, a.created_at DESC, a.id DESC)"
    "   FROM addresses a WHERE a.user_id = u.id), '[]'::json),"
    " 'orders', COALESCE((SELECT json_agg(json_build_object('id', o.id, 'orderNumber', o.order_number,"
    "   'status', o.status, 'paymentStatus', o.payment_status, 'total', wh_money(o.total),"
    "   'createdAt', wh_iso(o.created_at)) ORDER BY o.created_at DESC, o.id DESC)"
    "   FROM (SELECT * FROM orders WHERE user_id = u.id ORDER BY created_at DESC, id DESC LIMIT 10) o), '[]'::json),"
    " " WH_ADMIN_USER_STATS
    ")::text"
    " FROM users u" WH_ADMIN_USER_LATERAL " WHERE u.id = $1 AND ($2::boolean OR u.role <> 'super_admin')";

// $1 id, $2 caller is a super admin, $3 the activity. The target's role
// (no row: unknown or hidden) and, when it was changed (never an admin's
// account), {id, email, isActive}. The row lock orders a ban and an unban.
#define WH_SET_ACTIVE_SQL(set) \
  "WITH u AS (SELECT id, role FROM users WHERE id = $1 AND ($2::boolean OR role <> 'super_admin') FOR UPDATE),"   \
  " c AS (UPDATE users x SET " set                                                                                 \
  "   FROM u WHERE x.id = u.id AND u.role NOT IN ('admin', 'super_admin') RETURNING x.id, x.email, x.is_active), " \
  WH_ADMIN_ACTIVITY("c", "$3")                                                                                     \
  " SELECT u.role, (SELECT json_build_object('id', c.id, 'email', c.email, 'isActive', c.is_active)::text FROM c)" \
  " FROM u"

constexpr const char* kBanSql = WH_SET_ACTIVE_SQL(WH_DEACTIVATE_ACCOUNT_SET);
constexpr const char* kUnbanSql = WH_SET_ACTIVE_SQL("is_active = true, updated_at = " WH_SQL_NOW);

#undef WH_SET_ACTIVE_SQL

constexpr const char* kNotFound = "User not found";

const accounts::Principal& require_admin(const Context& ctx) {
  return accounts::require_role(ctx, {"admin", "super_admin"});
}

bool is_super(const accounts::Principal& p) { return p.role == "super_admin"; }

std::string user_id(const Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found(kNotFound);
  return std::string(id);
}

Task<Response> list_users(Context& ctx) {
  const auto& admin = require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  auto search = q.text("search", 255);
  q.finish();
  std::optional<std::string> pattern;
  if (search) pattern = web::contains_pattern(*search);
  db::Params params{is_super(admin), pattern, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) +
                           ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

Task<Response> get_user(Context& ctx) {
  const auto& admin = require_admin(ctx);
  db::Params params{user_id(ctx), is_super(admin)};
  auto r = co_await ctx.db().query(kDetailSql, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  co_return web::ok_data(r.get(0, 0));
}

// Ban (`active` false) or unban: one statement, activity included.
Task<Response> set_active(Context& ctx, bool active) {
  const auto& admin = require_admin(ctx);
  std::string id = user_id(ctx);
  Activity activity{active ? "user.unban" : "user.ban", "user", json::object{{"isActive", active}}};
  db::Params params{id, is_super(admin), activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(active ? kUnbanSql : kBanSql, std::move(params));
  if (r.empty()) web::throw_not_found(kNotFound);
  if (r.is_null(0, 1)) {
    throw ApiError(403, "ForbiddenError", active ? "Cannot unban admin users" : "Cannot ban admin users");
  }
  // This instance at once; the others (and the user's WebSockets) through
  // migrations/0005's trigger.
  ctx.get<accounts::AuthState>().principals.invalidate(id);
  co_return web::ok_data_message(r.get(0, 1), active ? "User unbanned successfully" : "User banned successfully");
}

Task<Response> ban_user(Context& ctx) { return set_active(ctx, false); }
Task<Response> unban_user(Context& ctx) { return set_active(ctx, true); }

}  // namespace

void register_admin_user_routes(web::Router& router) {
  router.add("GET", "/api/admin/users", list_users);
  router.add("GET", "/api/admin/users/:id", get_user);
  router.add("PATCH", "/api/admin/users/:id/ban", ban_user);
  router.add("PATCH", "/api/admin/users/:id/unban", unban_user);
}

}  // namespace wh::admin
