#include "admin/super_admin_ops.h"

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "admin/admin_ops.h"
#include "admin/super_admin_backup.h"
#include "core/json_text.h"
#include "core/log.h"
#include "jobs/admin_routes.h"
#include "jobs/scheduler.h"
#include "notifications/socket_hub.h"
#include "orders/order_access.h"
#include "orders/payment_verify.h"
#include "web/body_fields.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;

namespace {

void require_super_admin(const web::Context& ctx) { accounts::require_role(ctx, {"super_admin"}); }

// ---- logs -------------------------------------------------------------------

Task<http::Response> logs(web::Context& ctx) {
  require_super_admin(ctx);
  web::QueryReader q(ctx.req);
  const std::string type = q.choice("type", {"app", "error"}, "app");
  const int limit = q.integer("limit", kDefaultLogLines, kMaxLogLines);
  q.finish();
  const auto lines =
      log::recent(type == "error" ? log::Recent::warnings : log::Recent::all, static_cast<std::size_t>(limit));
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  json::object body{{"success", true},
                    {"logs", text},
                    {"type", type},
                    {"lines", lines.size()},
                    {"source", "memory: the newest lines of this instance"}};
  co_return http::Response::json(json::serialize(body));
}

// ---- payment/verify ---------------------------------------------------------

constexpr const char* kOrderByReferenceSql = "SELECT order_number FROM orders WHERE paystack_reference = $1";

Task<http::Response> verify_payment(web::Context& ctx) {
  require_super_admin(ctx);
  const json::object body = accounts::json_body(ctx.req);
  web::BodyFields fields(body);
  auto reference = fields.text("reference", 100, true);
  fields.finish();
  if (!reference) throw ApiError::bad_request("Reference required");

  db::Params params{*reference};
  auto found = co_await ctx.db().query(kOrderByReferenceSql, std::move(params));
  if (found.empty()) web::throw_not_found("Order not found for this reference");
  const std::string number(found.get(0, 0));
  auto order = co_await orders::load_order(ctx, number);
  if (order.payment_status == "paid") {
    co_return http::Response::json(R"({"success":true,"message":"Order is already marked as paid","data":{"order":)" +
                                   order.json + R"(,"result":"already_settled"}})");
  }

  // No pooled connection is held while Paystack answers (payment_verify.h).
  std::string source = "super_admin";
  auto verified = co_await orders::verify_and_apply(ctx.services, *reference, std::move(source));
  const auto& v = verified.outcome;
  std::optional<orders::Applied> applied;
  if (verified.result) applied = verified.result->applied;

  // Paystack was asked on the super admin's word: recorded whatever it said.
  Activity activity{"payment.verify", "order",
                    json::object{{"reference", *reference},
                                 {"status", v.status},
                                 {"result", applied ? json::value(orders::applied_name(*applied)) : nullptr}}};
  db::Statement record = activity_statement(ctx, activity, {order.id});
  co_await ctx.db().query(record.sql, std::move(record.params));

  if (v.verdict == payments::Verdict::not_found) web::throw_not_found("Paystack does not know this reference");
  if (applied) order = co_await orders::load_order(ctx, number);
  const std::string verification = json::serialize(orders::verification_json(v));
  std::string out =
      R"({"success":true,"message":)" +
      json::serialize(json::string(orders::verification_message(v.verdict, applied))) + R"(,"verification":)" +
      verification + R"(,"data":{"order":)" + order.json + R"(,"verification":)" + verification + R"(,"result":)" +
      (applied ? json::serialize(json::string(orders::applied_name(*applied))) : std::string("null")) + "}}";
  co_return http::Response::json(std::move(out));
}

// ---- jobs -------------------------------------------------------------------

// The old console's only job name, and ours.
std::string job_name(std::string name) {
  if (name == "abandoned_cart_emails") return "abandoned_cart_email";
  return name;
}

Task<http::Response> trigger_job(web::Context& ctx) {
  require_super_admin(ctx);
  const json::object body = accounts::json_body(ctx.req);
  web::BodyFields fields(body);
  auto name = fields.text("jobName", 100, true);
  fields.finish();
  if (!name) throw ApiError::bad_request("jobName required");
  const std::string job = job_name(*name);
  co_return co_await jobs::request_job_run(ctx, job);
}

Task<http::Response> queue_status(web::Context& ctx) {
  require_super_admin(ctx);
  const std::string mail = co_await mail_queue_json(ctx);
  const std::string list = co_await jobs::jobs_state(ctx, 3);

  json::object email = json::parse(mail).as_object();
  auto count = [&](const char* key) { return email.contains(key) ? email.at(key).to_number<long long>() : 0LL; };
  // The old console's three counts, from the outbox's.
  const long long active = count("processing");
  const long long waiting = count("pending") + count("retrying");
  const long long failed = count("failed");
  email["active"] = active;
  email["waiting"] = waiting;
  email["failed"] = failed;

  json::value state = json::parse(list);
  long long running = 0, idle = 0, last_failed = 0, off = 0, requested = 0;
  for (const auto& j : state.at("jobs").as_array()) {
    const auto& o = j.as_object();
    const bool enabled = o.at("enabled").as_bool();
    const bool is_running = o.at("running").as_bool();
    if (!enabled) ++off;
    if (is_running) ++running;
    if (enabled && !is_running) ++idle;
    if (o.at("runRequested").as_bool()) ++requested;
    if (const auto* s = o.if_contains("lastStatus"); s != nullptr && s->is_string() && s->as_string() == "failed") {
      ++last_failed;
    }
  }
  const auto& scheduler = ctx.get<jobs::Scheduler>();
  json::object out{{"success", true},
                   {"queues", json::object{{"email", std::move(email)},
                                           {"jobs", json::object{{"active", running},
                                                                 {"waiting", idle},
                                                                 {"failed", last_failed},
                                                                 {"off", off},
                                                                 {"requested", requested}}}}},
                   {"scheduler", json::object{{"enabled", scheduler.enabled()}, {"instance", scheduler.owner()}}},
                   {"jobs", std::move(state.at("jobs"))}};
  co_return http::Response::json(json::serialize(out));
}

// ---- webhooks ---------------------------------------------------------------

// $1 how many. Our queue and the old table, newest first, each through its
// received/created index.
constexpr const char* kWebhooksSql = R"(
SELECT COALESCE(json_agg(x.j ORDER BY x.at DESC, x.id DESC), '[]')::text FROM (
  SELECT * FROM (
    (SELECT e.id, e.received_at AS at,
            json_build_object('id', e.id, 'provider', e.provider, 'reference', e.reference, 'event', e.event,
              'status', e.status, 'payload', e.payload, 'errorMessage', e.error, 'orderId', e.order_id,
              'responseTimeMs', NULL, 'isProcessed', e.status IN ('processed', 'ignored'),
              'createdAt', wh_iso(e.received_at), 'table', 'wh_payment_events', 'result', e.result,
              'attempts', e.attempts, 'processedAt', wh_iso(e.processed_at)) AS j
       FROM wh_payment_events e ORDER BY e.received_at DESC, e.id DESC LIMIT $1)
    UNION ALL
    (SELECT l.id, l.created_at,
            json_build_object('id', l.id, 'provider', l.provider, 'reference', l.reference, 'event', l.event,
              'status', l.status, 'payload', l.payload, 'errorMessage', l.error_message, 'orderId', l.order_id,
              'responseTimeMs', l.response_time_ms, 'isProcessed', l.is_processed,
              'createdAt', wh_iso(l.created_at), 'table', 'webhook_logs')
       FROM webhook_logs l ORDER BY l.created_at DESC, l.id DESC LIMIT $1)
  ) u ORDER BY u.at DESC, u.id DESC LIMIT $1) x)";

Task<http::Response> webhooks(web::Context& ctx) {
  require_super_admin(ctx);
  db::Params params{kSuperAdminListSize};
  auto r = co_await ctx.db().query(kWebhooksSql, std::move(params));
  const std::string list = compact_json(r.get(0, 0));
  co_return http::Response::json(R"({"success":true,"logs":)" + list + R"(,"webhooks":)" + list + "}");
}

// ---- activities -------------------------------------------------------------

// $1 how many. admin_id is NOT NULL with a cascading foreign key.
constexpr const char* kActivitiesSql = R"(
SELECT COALESCE(json_agg(x.j ORDER BY x.created_at DESC, x.id DESC), '[]')::text FROM (
  SELECT json_build_object('id', a.id, 'adminId', a.admin_id, 'action', a.action, 'entityType', a.entity_type,
           'entityId', a.entity_id, 'changes', a.changes, 'ipAddress', a.ip_address, 'createdAt', wh_iso(a.created_at),
           'admin', json_build_object('id', u.id, 'firstName', u.first_name, 'lastName', u.last_name,
                                      'email', u.email)) AS j,
         a.created_at, a.id
    FROM admin_activities a JOIN users u ON u.id = a.admin_id
   ORDER BY a.created_at DESC, a.id DESC LIMIT $1) x)";

Task<http::Response> activities(web::Context& ctx) {
  require_super_admin(ctx);
  db::Params params{kSuperAdminListSize};
  auto r = co_await ctx.db().query(kActivitiesSql, std::move(params));
  co_return http::Response::json(R"({"success":true,"activities":)" + compact_json(r.get(0, 0)) + "}");
}

// ---- stock/global-update ----------------------------------------------------

// $1 the DATA_UPDATE message, $2 activity_param(). One statement: the
// activity row and the notification (sent at commit) together.
constexpr const char* kStockRefreshSql = "WITH s(id) AS (SELECT 'global'::text), " WH_ADMIN_ACTIVITY(
    "s", "$2") " SELECT pg_notify('wh_events', 'data_update:' || $1::text)";

Task<http::Response> global_stock_update(web::Context& ctx) {
  require_super_admin(ctx);
  // The old broadcast's admin query keys (adminBroadcast.notifyStockChanged).
  const std::vector<std::vector<std::string>> keys = {{"admin", "dashboard", "inventory-status"},
                                                      {"admin", "dashboard", "low-stock"},
                                                      {"admin", "products"},
                                                      {"admin", "sidebar-stats"},
                                                      {"admin", "dashboard", "snapshot"},
                                                      {"admin", "dashboard", "analytics-snapshot"}};
  const std::string message = notifications::data_update_message("stock", keys, R"({"action":"global_update"})");
  db::Params params{message, activity_param(ctx, {"stock.refresh", "stock", json::object{}})};
  co_await ctx.db().query(kStockRefreshSql, std::move(params));
  json::object out{{"success", true},
                   {"message",
                    "Admin dashboards were asked to reload their stock views; no stock was changed (stock is set "
                    "through the admin variant and inventory routes)"}};
  co_return http::Response::json(json::serialize(out));
}

}  // namespace

void register_super_admin_ops_routes(web::Router& router) {
  router.add("GET", "/api/super-admin/logs", logs);
  router.add("POST", "/api/super-admin/payment/verify", verify_payment);
  router.add("POST", "/api/super-admin/jobs/trigger", trigger_job);
  router.add("GET", "/api/super-admin/jobs/queue", queue_status);
  router.add("GET", "/api/super-admin/webhooks", webhooks);
  router.add("GET", "/api/super-admin/activities", activities);
  router.add("POST", "/api/super-admin/stock/global-update", global_stock_update);
  register_super_admin_backup_route(router);
}

}  // namespace wh::admin
