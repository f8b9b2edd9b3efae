// The admin's review routes: the list, edits, moderation, bulk actions and
// a user's review status (see review_routes.h). Private responses.
#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/json_text.h"
#include "reviews/review_common.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::reviews {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr std::size_t kMaxBulk = 100;

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// ---- list ---------------------------------------------------------------

// $1 approved (NULL: all), $2 product, $3 search pattern, $4 limit, $5
// offset, $6 page.
constexpr const char* kListSql = R"(
WITH f AS (SELECT r.* FROM reviews r
            WHERE ($1::boolean IS NULL OR r.is_approved = $1::boolean) AND ($2::text IS NULL OR r.product_id = $2)
              AND ($3::text IS NULL OR r.title ILIKE $3 OR r.content ILIKE $3 OR r.author_name ILIKE $3)),
t AS (SELECT count(*)::int AS n FROM f)
SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
         SELECT )" WH_REVIEW_ADMIN_JSON R"( AS j, r.created_at, r.id FROM f r)" WH_REVIEW_ADMIN_JOINS R"(
          ORDER BY r.created_at DESC, r.id DESC LIMIT $4 OFFSET $5) x), '[]'::json)::text,
       json_build_object('page', $6::int, 'limit', $4::int, 'total', t.n, 'pages', (t.n + $4::int - 1) / $4::int)::text
  FROM t)";

Task<Response> list_reviews(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  // The admin app's tabs; "rejected" is "not approved", as before (the
  // table has no separate rejected state).
  std::string status = q.choice("status", {"all", "pending", "approved", "rejected"}, "all");
  auto search = q.text("search", 255);
  auto product = q.text("productId", 30);
  q.finish();
  std::optional<bool> approved;
  if (status != "all") approved = status == "approved";
  std::optional<std::string> pattern;
  if (search) pattern = web::contains_pattern(*search);
  db::Params params{approved, product, pattern, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(kListSql, std::move(params));
  co_return Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) +
                           ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

// ---- one review -----------------------------------------------------------

// $1 id, $2 title, $3 content, $4 rating, $5 isApproved; NULL keeps the
// column. $6 the activity (admin/activity_log.h), as in every write below.
constexpr const char* kUpdateSql = R"(
WITH r AS (UPDATE reviews SET title = COALESCE($2, title), content = COALESCE($3, content),
                              rating = COALESCE($4::int, rating), is_approved = COALESCE($5::boolean, is_approved),
                              updated_at = )" WH_SQL_NOW R"(
            WHERE id = $1 RETURNING *),
)" WH_ADMIN_ACTIVITY("(SELECT id FROM r)", "$6") R"(
SELECT )" WH_REVIEW_ADMIN_JSON R"(::text, r.product_id FROM r)" WH_REVIEW_ADMIN_JOINS;

// $1 id, $2 the shop's URL, $3 the activity. Approves and, when the review
// was not approved yet (the row lock makes two concurrent approvals send one
// e-mail), queues the reviewApproved e-mail to its author.
constexpr const char* kApproveSql = R"(
WITH o AS (SELECT id, is_approved FROM reviews WHERE id = $1 FOR UPDATE),
r AS (UPDATE reviews x SET is_approved = true, updated_at = )" WH_SQL_NOW R"( FROM o WHERE x.id = o.id
      RETURNING x.*, o.is_approved AS was_approved),
m AS (INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data,
                              created_at)
      SELECT wh_new_id(), 'review_approved', u.email, 'Your Review is Live! ⭐', 'queued', 0, 3,
             jsonb_build_object('template', 'reviewApproved', 'variables', jsonb_build_object(
               'name', COALESCE(NULLIF(btrim(u.first_name), ''), 'Reviewer'), 'product_name', p.name,
               'review_title', r.title, 'product_link', $2::text || '/products/' || p.id)), )" WH_SQL_NOW R"(
        FROM r JOIN users u ON u.id = r.user_id JOIN products p ON p.id = r.product_id
       WHERE NOT r.was_approved
      RETURNING id),
)" WH_ADMIN_ACTIVITY("(SELECT id FROM r)", "$3") R"(
SELECT )" WH_REVIEW_ADMIN_JSON R"(::text, r.product_id, (SELECT count(*) FROM m) FROM r)" WH_REVIEW_ADMIN_JOINS;

// $1 id, $2 the activity.
constexpr const char* kRejectSql = R"(
WITH r AS (UPDATE reviews SET is_approved = false, updated_at = )" WH_SQL_NOW R"( WHERE id = $1 RETURNING *),
)" WH_ADMIN_ACTIVITY("(SELECT id FROM r)", "$2") R"(
SELECT )" WH_REVIEW_ADMIN_JSON R"(::text, r.product_id FROM r)" WH_REVIEW_ADMIN_JOINS;

// $1 id, $2 the activity.
constexpr const char* kDeleteSql =
    "WITH d AS (DELETE FROM reviews WHERE id = $1 RETURNING id, product_id), " WH_ADMIN_ACTIVITY(
        "d", "$2") " SELECT product_id FROM d";

struct ReviewEdit {
  std::optional<std::string> title, content;
  std::optional<long long> rating;
  std::optional<bool> approved;
};

// Joi's updateReviewSchema: every field optional; title and content are
// trimmed like a new review's.
ReviewEdit read_edit(const json::object& body) {
  web::BodyFields in(body);
  ReviewEdit e;
  if (auto title = in.text("title", 255, false)) {
    e.title = std::string(trimmed(*title));
    if (web::char_count(*e.title) < 3) in.add("title", "\"title\" length must be at least 3 characters long");
  }
  if (auto content = in.text("content", 5000, false)) {
    e.content = std::string(trimmed(*content));
    if (web::char_count(*e.content) < 10) in.add("content", "\"content\" length must be at least 10 characters long");
  }
  if (auto rating = in.integer("rating", 1, 5)) e.rating = *rating;
  e.approved = in.boolean("isApproved");
  in.finish();
  return e;
}

Task<Response> update_review(Context& ctx) {
  require_admin(ctx);
  std::string id = review_id(ctx);
  auto body = accounts::json_body(ctx.req);
  ReviewEdit e = read_edit(body);
  admin::Activity activity{"review.update", "review", admin::changed_fields(body)};
  db::Params params{id, e.title, e.content, e.rating, e.approved, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kUpdateSql, std::move(params));
  if (r.empty()) web::throw_not_found("Review not found");
  invalidate_reviews(ctx, {std::string(r.get(0, 1))});
  co_return web::ok_data_message(r.get(0, 0), "Review updated successfully");
}

Task<Response> approve_review(Context& ctx) {
  require_admin(ctx);
  admin::Activity activity{"review.approve", "review", json::object{{"isApproved", true}}};
  db::Params params{review_id(ctx), ctx.config().frontend_url, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kApproveSql, std::move(params));
  if (r.empty()) web::throw_not_found("Review not found");
  invalidate_reviews(ctx, {std::string(r.get(0, 1))});
  co_return web::ok_data_message(r.get(0, 0), "Review approved successfully");
}

Task<Response> reject_review(Context& ctx) {
  require_admin(ctx);
  admin::Activity activity{"review.reject", "review", json::object{{"isApproved", false}}};
  db::Params params{review_id(ctx), admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kRejectSql, std::move(params));
  if (r.empty()) web::throw_not_found("Review not found");
  invalidate_reviews(ctx, {std::string(r.get(0, 1))});
  co_return web::ok_data_message(r.get(0, 0), "Review rejected successfully");
}

Task<Response> delete_review(Context& ctx) {
  require_admin(ctx);
  admin::Activity activity{"review.delete", "review", {}};
  db::Params params{review_id(ctx), admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kDeleteSql, std::move(params));
  if (r.empty()) web::throw_not_found("Review not found");
  invalidate_reviews(ctx, {std::string(r.get(0, 0))});
  co_return Response::json(R"({"success":true,"message":"Review deleted successfully"})");
}

// ---- bulk ---------------------------------------------------------------

// $1 the ids (JSON array), $2 approved, $3 the activity. One row per
// review changed: its product.
constexpr const char* kBulkSetSql =
    "WITH c AS (UPDATE reviews SET is_approved = $2::boolean, updated_at = " WH_SQL_NOW
    " WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING id, product_id), " WH_ADMIN_ACTIVITY(
        "c", "$3") " SELECT product_id FROM c";
// $1 the ids, $2 the activity.
constexpr const char* kBulkDeleteSql =
    "WITH c AS (DELETE FROM reviews WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))"
    " RETURNING id, product_id), " WH_ADMIN_ACTIVITY("c", "$2") " SELECT product_id FROM c";

struct BulkInput {
  json::array ids;
  std::string action;
};

// Joi's bulkUpdateSchema with ids as the cuids they are (the old uuid rule
// refused every id).
BulkInput read_bulk(const json::object& body) {
  web::BodyFields in(body);
  BulkInput b;
  const auto* ids = in.any("ids", true);
  if (ids != nullptr && !ids->is_array()) {
    in.add("ids", "\"ids\" must be an array");
  } else if (ids != nullptr && ids->as_array().empty()) {
    in.add("ids", "\"ids\" must contain at least 1 items");
  } else if (ids != nullptr && ids->as_array().size() > kMaxBulk) {
    in.add("ids", "\"ids\" must contain less than or equal to 100 items");
  } else if (ids != nullptr) {
    for (std::size_t i = 0; i < ids->as_array().size(); ++i) {
      const auto& id = ids->as_array()[i];
      if (!id.is_string() || !web::plausible_id(id.as_string())) {
        const std::string field = "ids[" + std::to_string(i) + "]";
        in.add(field, "\"" + field + "\" must be a valid id");
      } else {
        b.ids.push_back(id);
      }
    }
  }
  if (auto action = in.one_of("action", {"approve", "reject", "delete"})) {
    b.action = *action;
  } else if (!in.has("action")) {
    in.add("action", "\"action\" is required");
  }
  in.finish();
  return b;
}

Task<Response> bulk_update(Context& ctx) {
  require_admin(ctx);
  BulkInput in = read_bulk(accounts::json_body(ctx.req));
  db::Result r;
  admin::Activity activity{"review.bulk_" + in.action, "review", {}};
  if (in.action == "delete") {
    db::Params params{json::serialize(in.ids), admin::activity_param(ctx, activity)};
    r = co_await ctx.db().query(kBulkDeleteSql, std::move(params));
  } else {
    activity.changes["isApproved"] = in.action == "approve";
    db::Params params{json::serialize(in.ids), in.action == "approve", admin::activity_param(ctx, activity)};
    r = co_await ctx.db().query(kBulkSetSql, std::move(params));
  }
  std::set<std::string> products;
  for (int i = 0; i < r.rows(); ++i) products.emplace(r.get(i, 0));
  invalidate_reviews(ctx, std::vector<std::string>(products.begin(), products.end()));
  const std::string done = in.action == "approve" ? "approved" : in.action == "reject" ? "rejected" : "deleted";
  json::object data{{"count", r.rows()}, {"action", done}};
  co_return web::ok_data_message(json::serialize(data),
                                 "Successfully " + done + " " + std::to_string(r.rows()) + " reviews");
}

// ---- a user's review status -----------------------------------------------

// $1 user, $2 status, $3 the activity.
constexpr const char* kUserStatusSql =
    "WITH u AS (UPDATE users SET review_status = $2, updated_at = " WH_SQL_NOW
    " WHERE id = $1 RETURNING id, json_build_object('id', id, 'email', email, 'firstName', first_name, 'lastName',"
    " last_name, 'role', role, 'reviewStatus', review_status)::text AS j), " WH_ADMIN_ACTIVITY("u",
                                                                                               "$3") " SELECT j FROM u";

Task<Response> set_user_status(Context& ctx) {
  require_admin(ctx);
  auto body = accounts::json_body(ctx.req);
  web::BodyFields in(body);
  auto user = in.text("userId", 255, true);
  if (user && !web::plausible_id(*user)) in.add("userId", "\"userId\" must be a valid id");
  auto status = in.one_of("status", {"standard", "trusted", "blocked"});
  if (!in.has("status")) in.add("status", "\"status\" is required");
  in.finish();
  admin::Activity activity{"user.review_status", "user", json::object{{"reviewStatus", *status}}};
  db::Params params{*user, *status, admin::activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kUserStatusSql, std::move(params));
  if (r.empty()) web::throw_not_found("User not found");
  co_return web::ok_data_message(r.get(0, 0), "User review status updated to " + *status);
}

}  // namespace

void register_admin_routes(web::Router& router) {
  // Literal segments win over captures (web/router.h): /admin/all and
  // /admin/bulk-update are never taken for a review id.
  router.add("GET", "/api/reviews/admin/all", list_reviews);
  router.add("POST", "/api/reviews/admin/bulk-update", bulk_update);
  router.add("POST", "/api/reviews/admin/user-status", set_user_status);
  router.add("PATCH", "/api/reviews/:id", update_review);
  router.add("PATCH", "/api/reviews/:id/approve", approve_review);
  router.add("PATCH", "/api/reviews/:id/reject", reject_review);
  router.add("DELETE", "/api/reviews/:id", delete_review);
}

}  // namespace wh::reviews
