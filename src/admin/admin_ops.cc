#include "admin/admin_ops.h"

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <string>

#include "accounts/authenticate.h"
#include "admin/admin_export.h"
#include "admin/admin_search.h"
#include "core/json_text.h"
#include "core/log.h"
#include "db/pool.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;

namespace {

void require_admin(const web::Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

// ---- email-stats ----------------------------------------------------------

// One pass over email_logs for both periods, one grouped pass for the kinds.
// "today" starts at 00:00 UTC.
constexpr const char* kEmailStatsSql = R"(
WITH d AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AS today),
c AS (
  SELECT count(*) FILTER (WHERE status = 'sent' AND created_at >= d.today) AS ts,
         count(*) FILTER (WHERE status = 'failed' AND created_at >= d.today) AS tf,
         count(*) FILTER (WHERE status = 'queued' AND created_at >= d.today) AS tq,
         count(*) FILTER (WHERE status = 'skipped' AND created_at >= d.today) AS tk,
         count(*) FILTER (WHERE status = 'sent') AS s, count(*) FILTER (WHERE status = 'failed') AS f,
         count(*) FILTER (WHERE status = 'queued') AS q, count(*) FILTER (WHERE status = 'skipped') AS k
    FROM email_logs, d)
SELECT json_build_object(
         'today', json_build_object('sent', ts, 'failed', tf, 'pending', tq, 'skipped', tk,
                    'success_rate', CASE WHEN ts + tf > 0 THEN ts::float8 / (ts + tf) * 100 ELSE 0 END),
         'all_time', json_build_object('sent', s, 'failed', f, 'pending', q, 'skipped', k,
                       'success_rate', CASE WHEN s + f > 0 THEN s::float8 / (s + f) * 100 ELSE 0 END),
         'by_type', (SELECT COALESCE(json_object_agg(type, json_build_object('sent', n_sent, 'failed', n_failed)
                                                     ORDER BY type), '{}')
                       FROM (SELECT type, count(*) FILTER (WHERE status = 'sent') AS n_sent,
                                    count(*) FILTER (WHERE status = 'failed') AS n_failed
                               FROM email_logs GROUP BY type) t))::text
  FROM c)";

Task<http::Response> email_stats(web::Context& ctx) {
  require_admin(ctx);
  auto r = co_await ctx.db().query(kEmailStatsSql);
  co_return web::ok_data(r.get(0, 0));
}

// ---- cart-abandonment -----------------------------------------------------

// $1 hours after which a cart with items counts as abandoned. Signed-in
// carts (`carts`, what the old route counted) and, apart, guest carts.
constexpr const char* kCartAbandonmentSql = R"(
WITH since AS (SELECT (now() AT TIME ZONE 'UTC') - make_interval(hours => $1::int) AS t),
c AS (
  SELECT count(*) AS total, count(*) FILTER (WHERE c.updated_at < since.t) AS abandoned
    FROM carts c, since WHERE EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)),
g AS (
  SELECT count(*) AS total, count(*) FILTER (WHERE g.updated_at < since.t) AS abandoned
    FROM guest_carts g, since WHERE EXISTS (SELECT 1 FROM guest_cart_items i WHERE i.cart_id = g.id)),
r AS (SELECT count(*) AS recovered FROM abandoned_carts WHERE recovered)
SELECT json_build_object('total_carts', c.total, 'abandoned_carts', c.abandoned, 'recovered_carts', r.recovered,
         'abandonment_rate', CASE WHEN c.total > 0 THEN c.abandoned::float8 / c.total * 100 ELSE 0 END,
         'recovery_rate', CASE WHEN c.abandoned > 0 THEN r.recovered::float8 / c.abandoned * 100 ELSE 0 END,
         'guest_carts', json_build_object('total_carts', g.total, 'abandoned_carts', g.abandoned))::text
  FROM c, g, r)";

Task<http::Response> cart_abandonment(web::Context& ctx) {
  require_admin(ctx);
  db::Params params{kAbandonedAfterHours};
  auto r = co_await ctx.db().query(kCartAbandonmentSql, std::move(params));
  co_return web::ok_data(r.get(0, 0));
}

// ---- system-health --------------------------------------------------------

constexpr const char* kProbeSql = "SELECT 1";

// $1 window hours. Queued rows through the partial index (migrations/0011),
// settled ones of the window through created_at.
constexpr const char* kQueueSql = R"(
WITH n AS (SELECT now() AT TIME ZONE 'UTC' AS at,
                  (now() AT TIME ZONE 'UTC') - make_interval(hours => $1::int) AS since)
SELECT json_build_object(
         'pending', count(*) FILTER (WHERE status = 'queued' AND COALESCE(claimed_until, '-infinity') <= n.at
                                     AND COALESCE(next_attempt_at, '-infinity') <= n.at),
         'processing', count(*) FILTER (WHERE status = 'queued' AND claimed_until > n.at),
         'retrying', count(*) FILTER (WHERE status = 'queued' AND COALESCE(claimed_until, '-infinity') <= n.at
                                      AND next_attempt_at > n.at),
         'completed', count(*) FILTER (WHERE status = 'sent' AND created_at >= n.since),
         'failed', count(*) FILTER (WHERE status = 'failed' AND created_at >= n.since),
         'skipped', count(*) FILTER (WHERE status = 'skipped' AND created_at >= n.since),
         'window_hours', $1::int,
         'oldest_pending_at', wh_iso(min(created_at) FILTER (WHERE status = 'queued')))::text
  FROM email_logs, n
 WHERE status = 'queued' OR created_at >= n.since)";

Task<http::Response> system_health(web::Context& ctx) {
  require_admin(ctx);
  std::string data = co_await system_health_data(ctx);
  co_return web::ok_data(data);
}

// ---- admin-activity -------------------------------------------------------

// $1 offset, $2 page, $3 page size. admin_id is NOT NULL with a cascading
// foreign key: every row has its admin.
constexpr const char* kActivitySql = R"(
WITH t AS (SELECT count(*)::int AS n FROM admin_activities)
SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
         SELECT json_build_object('id', a.id, 'adminId', a.admin_id, 'action', a.action, 'entityType', a.entity_type,
                  'entityId', a.entity_id, 'changes', a.changes, 'ipAddress', a.ip_address,
                  'createdAt', wh_iso(a.created_at),
                  'admin', json_build_object('firstName', u.first_name, 'lastName', u.last_name, 'email', u.email),
                  'adminName', COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.email),
                  'target', a.entity_type || ' ' || a.entity_id, 'timestamp', wh_iso(a.created_at)) AS j,
                a.created_at, a.id
           FROM admin_activities a JOIN users u ON u.id = a.admin_id
          ORDER BY a.created_at DESC, a.id DESC LIMIT $3 OFFSET $1) x), '[]')::text,
       json_build_object('page', $2::int, 'limit', $3::int, 'total', t.n,
         'pages', (t.n + $3::int - 1) / $3::int)::text
  FROM t)";

Task<http::Response> admin_activity(web::Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  q.finish();
  db::Params params{static_cast<long long>(page - 1) * kActivityPageSize, page, kActivityPageSize};
  auto r = co_await ctx.db().query(kActivitySql, std::move(params));
  // The dashboard's feed reads data.activities (the old backend sent the
  // list as `data`, so its feed was always empty); pagination is in both
  // places.
  std::string pagination = compact_json(r.get(0, 1));
  co_return http::Response::json(R"({"success":true,"data":{"activities":)" + compact_json(r.get(0, 0)) +
                                 R"(,"pagination":)" + pagination + R"(},"pagination":)" + pagination + "}");
}

}  // namespace

Task<std::string> system_health_data(web::Context& ctx) {
  bool connected = false;
  double latency_ms = 0;
  std::string queue = R"({"error":"Queue stats unavailable"})";
  try {
    // The probe's own execution time (QueryStats counts it without the pool wait).
    auto before = ctx.stats.db_us;
    co_await ctx.db().query(kProbeSql);
    latency_ms = std::round(static_cast<double>(ctx.stats.db_us - before) / 10.0) / 100.0;
    connected = true;
    queue = co_await mail_queue_json(ctx);
  } catch (const db::DbError& e) {
    log::warn("system-health: database check failed", {{"error", e.what()}});
  } catch (const ApiError& e) {
    log::warn("system-health: database check failed", {{"error", e.what()}});
  }
  db::PoolStats pool = ctx.services.pool->stats();
  double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.services.started).count();
  std::string data = R"({"database":{"status":")" + std::string(connected ? "connected" : "error") +
                     R"(","latency_ms":)" + json_number(latency_ms) + R"(},"pool":)" +
                     json::serialize(json::object{
                         {"size", pool.size}, {"open", pool.open}, {"idle", pool.idle}, {"waiting", pool.waiting}}) +
                     R"(,"queue":)" + queue + R"(,"uptime":)" + json_number(std::round(uptime * 1000.0) / 1000.0) + "}";
  co_return data;
}

Task<std::string> mail_queue_json(web::Context& ctx) {
  db::Params params{kQueueWindowHours};
  auto r = co_await ctx.db().query(kQueueSql, std::move(params));
  std::string queue(r.get(0, 0));
  queue.insert(queue.size() - 1,
               std::string(R"(,"sending":)") + (ctx.config().brevo_api_key.empty() ? "false" : "true"));
  co_return queue;
}

void register_admin_ops_routes(web::Router& router) {
  register_admin_search_route(router);
  register_admin_export_route(router);
  router.add("GET", "/api/admin/dashboard/email-stats", email_stats);
  router.add("GET", "/api/admin/dashboard/cart-abandonment", cart_abandonment);
  router.add("GET", "/api/admin/dashboard/system-health", system_health);
  router.add("GET", "/api/admin/dashboard/admin-activity", admin_activity);
}

}  // namespace wh::admin
