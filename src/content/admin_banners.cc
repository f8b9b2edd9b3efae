#include "content/admin_banners.h"

#include <boost/json.hpp>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "cache/registry.h"
#include "cache/tags.h"
#include "core/ids.h"
#include "db/sql_now.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::content {
namespace json = boost::json;

namespace {

#define WH_BANNER_FIELDS                                                                                         \
  "'id', b.id, 'title', b.title, 'description', b.description, 'imageUrl', b.image_url, 'linkUrl', b.link_url, " \
  "'startDate', wh_iso(b.start_date), 'endDate', wh_iso(b.end_date), 'isActive', b.is_active, "                  \
  "'priority', b.priority, 'createdBy', b.created_by, 'createdAt', wh_iso(b.created_at), "                       \
  "'updatedAt', wh_iso(b.updated_at)"
#define WH_BANNER_WITH_CREATOR                                                                           \
  "json_build_object(" WH_BANNER_FIELDS                                                                  \
  ", 'creator', json_build_object('id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', " \
  "u.last_name))"

constexpr const char* kListSql = "SELECT COALESCE(json_agg(" WH_BANNER_WITH_CREATOR
                                 " ORDER BY b.created_at DESC, b.id DESC), '[]'::json)::text"
                                 " FROM promotional_banners b JOIN users u ON u.id = b.created_by";

constexpr const char* kGetSql = "SELECT " WH_BANNER_WITH_CREATOR
                                "::text FROM promotional_banners b JOIN users u ON u.id = b.created_by"
                                " WHERE b.id = $1";

constexpr const char* kInsertSql =
    "INSERT INTO promotional_banners AS b (id, title, description, image_url, link_url, start_date, end_date,"
    " is_active, priority, created_by, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6::timestamp, $7::timestamp, $8, $9, $10, " WH_SQL_NOW ", " WH_SQL_NOW
    ") RETURNING json_build_object(" WH_BANNER_FIELDS ")::text";

// $2 title, $3/$5 whether description/linkUrl are given, $4/$6 their
// values, $7 imageUrl, $8 startDate, $9 endDate, $10 priority, $11
// isActive; NULL keeps the column. Returns whether the window is still
// valid, and the banner.
constexpr const char* kUpdateSql =
    "UPDATE promotional_banners AS b SET title = COALESCE($2, b.title),"
    " description = CASE WHEN $3::bool THEN $4 ELSE b.description END,"
    " link_url = CASE WHEN $5::bool THEN $6 ELSE b.link_url END, image_url = COALESCE($7, b.image_url),"
    " start_date = COALESCE($8::timestamp, b.start_date), end_date = COALESCE($9::timestamp, b.end_date),"
    " priority = COALESCE($10::int, b.priority), is_active = COALESCE($11::bool, b.is_active),"
    " updated_at = " WH_SQL_NOW
    " WHERE b.id = $1 RETURNING b.end_date > b.start_date, json_build_object(" WH_BANNER_FIELDS ")::text";

// $2 the activity (admin/activity_log.h). Returns how many were deleted.
constexpr const char* kDeleteSql =
    "WITH d AS (DELETE FROM promotional_banners WHERE id = $1 RETURNING id), " WH_ADMIN_ACTIVITY(
        "d", "$2") " SELECT count(*) FROM d";

#undef WH_BANNER_WITH_CREATOR
#undef WH_BANNER_FIELDS

constexpr const char* kEndBeforeStart = "\"endDate\" must be greater than \"ref:startDate\"";

struct BannerInput {
  std::optional<std::string> title;
  web::Patch<std::string> description;
  std::optional<std::string> image_url;
  web::Patch<std::string> link_url;
  std::optional<web::Instant> start;
  std::optional<web::Instant> end;
  std::optional<std::int64_t> priority;
  std::optional<bool> is_active;
  std::optional<bool> notify_users;
};

// The create schema when `creating`, else the update schema (every field
// optional, at least one).
BannerInput read_input(const json::object& body, bool creating) {
  web::BodyFields in(body);
  if (!creating && in.count_present({"title", "description", "imageUrl", "linkUrl", "startDate", "endDate", "priority",
                                     "isActive", "notifyUsers"}) == 0) {
    in.add("value", "\"value\" must have at least 1 key");
  }
  BannerInput f;
  f.title = in.text("title", 255, creating);
  f.description = in.nullable_text("description", 1000);
  f.image_url = in.url("imageUrl", 500, creating);
  // The storefront's own banners link to its pages ("/products?..."), so a
  // site path is accepted too (Joi's uri() wanted an absolute URL).
  f.link_url = in.nullable_url("linkUrl", 500, true);
  f.start = in.instant("startDate", creating);
  f.end = in.instant("endDate", creating);
  if (f.start && f.end && f.end->unix_ms <= f.start->unix_ms) in.add("endDate", kEndBeforeStart);
  f.priority = in.integer("priority", 0, 100);
  f.is_active = in.boolean("isActive");
  f.notify_users = in.boolean("notifyUsers");
  in.finish();
  return f;
}

std::optional<std::string> sql_time(const std::optional<web::Instant>& t) {
  if (!t) return std::nullopt;
  return t->sql;
}

void require_admin(const web::Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

std::string path_id(const web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Banner not found");
  return std::string(id);
}

void invalidate(web::Context& ctx) { ctx.get<cache::Registry>().invalidate({cache::tags::kBanners}); }

Task<http::Response> list(web::Context& ctx) {
  require_admin(ctx);
  auto r = co_await ctx.db().query(kListSql);
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> get_one(web::Context& ctx) {
  require_admin(ctx);
  db::Params params{path_id(ctx)};
  auto r = co_await ctx.db().query(kGetSql, std::move(params));
  if (r.empty()) web::throw_not_found("Banner not found");
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> create(web::Context& ctx) {
  const auto& admin = accounts::require_role(ctx, {"admin", "super_admin"});
  auto body = accounts::json_body(ctx.req);
  BannerInput f = read_input(body, true);
  std::string id = new_cuid();
  admin::Activity activity{"banner.create", "banner", admin::changed_fields(body)};
  std::string banner;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    db::Params params{id,
                      f.title,
                      f.description.value,
                      f.image_url,
                      f.link_url.value,
                      sql_time(f.start),
                      sql_time(f.end),
                      f.is_active.value_or(true),
                      static_cast<long long>(f.priority.value_or(0)),
                      admin.id};
    std::vector<db::Statement> write;
    write.push_back({kInsertSql, std::move(params)});
    write.push_back(admin::activity_statement(ctx, activity, {id}));
    auto rs = co_await tx.pipeline(std::move(write));
    banner = std::string(rs[0].get(0, 0));
    // notifyUsers: the shopper API issue queues the promotional notification
    // to every active customer here, in this transaction (the old backend
    // inserted one row per customer after answering). Until then it is
    // accepted and validated only. The media issue checks ImageKit image
    // URLs.
  });
  invalidate(ctx);
  co_return web::ok_data_message(banner, "Banner created successfully", 201);
}

Task<http::Response> update(web::Context& ctx) {
  require_admin(ctx);
  std::string id = path_id(ctx);
  auto body = accounts::json_body(ctx.req);
  BannerInput f = read_input(body, false);
  admin::Activity activity{"banner.update", "banner", admin::changed_fields(body)};
  std::string banner;
  co_await ctx.db().transaction([&](db::Tx& tx) -> Task<void> {
    std::optional<long long> priority;
    if (f.priority) priority = static_cast<long long>(*f.priority);
    db::Params params{id,
                      f.title,
                      f.description.present,
                      f.description.value,
                      f.link_url.present,
                      f.link_url.value,
                      f.image_url,
                      sql_time(f.start),
                      sql_time(f.end),
                      priority,
                      f.is_active};
    // The activity goes with the update; a 404 or 400 below rolls both back.
    std::vector<db::Statement> write;
    write.push_back({kUpdateSql, std::move(params)});
    write.push_back(admin::activity_statement(ctx, activity, {id}));
    auto rs = co_await tx.pipeline(std::move(write));
    const db::Result& r = rs[0];
    if (r.empty()) web::throw_not_found("Banner not found");
    // One date moved past the other stored one: roll back.
    if (!r.get_bool(0, 0)) throw ApiError::bad_request("Validation failed").with_field("endDate", kEndBeforeStart);
    banner = std::string(r.get(0, 1));
  });
  invalidate(ctx);
  co_return web::ok_data_message(banner, "Banner updated successfully");
}

Task<http::Response> remove(web::Context& ctx) {
  require_admin(ctx);
  admin::Activity activity{"banner.delete", "banner", {}};
  db::Params params{path_id(ctx), admin::activity_param(ctx, activity)};
  // One statement (the delete and its activity row): its own transaction.
  auto r = co_await ctx.db().query(kDeleteSql, std::move(params));
  if (r.get_int(0, 0) == 0) web::throw_not_found("Banner not found");
  // The media issue trashes the image.
  invalidate(ctx);
  co_return http::Response::json(R"({"success":true,"message":"Banner deleted successfully"})");
}

}  // namespace

void register_admin_banner_routes(web::Router& router) {
  router.add("GET", "/api/admin/banners", list);
  router.add("GET", "/api/admin/banners/:id", get_one);
  router.add("POST", "/api/admin/banners", create);
  router.add("PUT", "/api/admin/banners/:id", update);
  router.add("DELETE", "/api/admin/banners/:id", remove);
}

}  // namespace wh::content
