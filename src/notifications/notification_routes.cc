#include "notifications/notification_routes.h"

#include <boost/json.hpp>
#include <string>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "core/error.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::notifications {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

#define WH_NOTIFICATION_JSON                                                                              \
  "json_strip_nulls(json_build_object('id', n.id, 'userId', n.user_id, 'type', n.type, 'title', n.title," \
  " 'message', n.message, 'link', n.link, 'isRead', n.is_read, 'createdAt', wh_iso(n.created_at),"        \
  " 'data', n.data))"

// $1 user, $2 limit, $3 offset: the page and both counts in one statement.
constexpr const char* kListSql =
    "SELECT COALESCE((SELECT json_agg(" WH_NOTIFICATION_JSON
    " ORDER BY n.created_at DESC, n.id DESC)"
    " FROM (SELECT * FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    " LIMIT $2 OFFSET $3) n), '[]')::text,"
    " (SELECT count(*) FROM notifications WHERE user_id = $1),"
    " (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)";

constexpr const char* kMarkReadSql = "UPDATE notifications SET is_read = true WHERE id = $1 AND user_id = $2";
constexpr const char* kMarkAllReadSql = "UPDATE notifications SET is_read = true WHERE user_id = $1 AND NOT is_read";
constexpr const char* kDeleteSql = "DELETE FROM notifications WHERE id = $1 AND user_id = $2";
constexpr const char* kDeleteAllSql = "DELETE FROM notifications WHERE user_id = $1";

// $1 JSON array of user ids, $2 title, $3 message, $4 link (NULL for none).
// Unknown ids are skipped; 30 days of life as the old rows.
constexpr const char* kBulkSql =
    "WITH ins AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at,"
    " expires_at) SELECT wh_new_id(), u.id, 'promotional', $2, $3, $4, false, (now() AT TIME ZONE 'UTC'),"
    " (now() AT TIME ZONE 'UTC') + interval '30 days'"
    " FROM users u WHERE u.id IN (SELECT DISTINCT json_array_elements_text($1::json)) RETURNING 1)"
    " SELECT count(*) FROM ins";

#undef WH_NOTIFICATION_JSON

Task<Response> list_notifications(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  q.finish();
  db::Params params{user.id, limit, static_cast<long long>(page - 1) * limit};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  auto total = r.get_int(0, 1);
  auto pages = (total + limit - 1) / limit;
  co_return Response::json(R"({"success":true,"data":)" + std::string(r.get(0, 0)) + R"(,"meta":{"total":)" +
                           std::to_string(total) + R"(,"unread":)" + std::to_string(r.get_int(0, 2)) + R"(,"page":)" +
                           std::to_string(page) + R"(,"pages":)" + std::to_string(pages) + "}}");
}

// Runs `sql` ($1 the :id, $2 the caller) on one of the caller's own rows;
// 404 when it names none (another user's row included).
Task<Response> on_own_row(Context& ctx, const char* sql, std::string_view message) {
  const auto& user = accounts::require_user(ctx);
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Notification not found");
  db::Params params{id, user.id};
  auto r = co_await ctx.db().query(sql, std::move(params));
  if (r.affected() == 0) web::throw_not_found("Notification not found");
  co_return Response::json(R"({"success":true,"message":")" + std::string(message) + "\"}");
}

Task<Response> mark_read(Context& ctx) { return on_own_row(ctx, kMarkReadSql, "Marked as read"); }

Task<Response> mark_all_read(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  db::Params params{user.id};
  auto r = co_await ctx.db().query(kMarkAllReadSql, std::move(params));
  co_return Response::json(R"({"success":true,"message":"All notifications marked as read","count":)" +
                           std::to_string(r.affected()) + "}");
}

Task<Response> delete_one(Context& ctx) { return on_own_row(ctx, kDeleteSql, "Notification deleted"); }

Task<Response> delete_all(Context& ctx) {
  const auto& user = accounts::require_user(ctx);
  db::Params params{user.id};
  auto r = co_await ctx.db().query(kDeleteAllSql, std::move(params));
  co_return Response::json(R"({"success":true,"message":"All notifications deleted","count":)" +
                           std::to_string(r.affected()) + "}");
}

// A required non-empty string of at most `max` characters.
std::string text_field(const json::object& body, const char* name, std::size_t max, ValidationErrors& errors) {
  const auto* v = body.if_contains(name);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    errors.add(name, std::string(name) + " is required");
    return {};
  }
  if (v->as_string().size() > max) errors.add(name, std::string(name) + " is too long");
  return std::string(v->as_string());
}

Task<Response> send_bulk(Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  auto body = accounts::json_body(ctx.req);
  ValidationErrors errors;
  const auto* ids = body.if_contains("userIds");
  json::array list;
  if (ids == nullptr || !ids->is_array() || ids->as_array().empty()) {
    errors.add("userIds", "userIds array is required");
  } else if (ids->as_array().size() > static_cast<std::size_t>(kMaxBulkUsers)) {
    errors.add("userIds", "At most " + std::to_string(kMaxBulkUsers) + " users at a time");
  } else {
    for (const auto& id : ids->as_array()) {
      if (!id.is_string() || !web::plausible_id(id.as_string())) {
        errors.add("userIds", "userIds must be user ids");
        break;
      }
      list.emplace_back(id);
    }
  }
  auto title = text_field(body, "title", 255, errors);
  auto message = text_field(body, "message", 5000, errors);
  std::optional<std::string> link;
  if (const auto* l = body.if_contains("link"); l != nullptr && !l->is_null()) {
    if (!l->is_string() || l->as_string().size() > 500) {
      errors.add("link", "link must be a path or URL of at most 500 characters");
    } else if (!l->as_string().empty()) {
      link = std::string(l->as_string());
    }
  }
  errors.throw_if_any();
  db::Params params{json::serialize(list), title, message, link};
  auto r = co_await ctx.db().query(kBulkSql, std::move(params));
  auto sent = r.get_int(0, 0);
  co_return Response::json(R"({"success":true,"message":"Sent notifications to )" + std::to_string(sent) +
                           R"( users","sentCount":)" + std::to_string(sent) + "}");
}

}  // namespace

void register_notification_routes(web::Router& router) {
  router.add("GET", "/api/notifications", list_notifications);
  router.add("PATCH", "/api/notifications/:id/read", mark_read);
  router.add("POST", "/api/notifications/read-all", mark_all_read);
  router.add("POST", "/api/notifications/bulk", send_bulk);
  router.add("DELETE", "/api/notifications/all", delete_all);
  router.add("DELETE", "/api/notifications/:id", delete_one);
}

}  // namespace wh::notifications
