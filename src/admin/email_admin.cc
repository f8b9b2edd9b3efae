#include "admin/email_admin.h"

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "accounts/authenticate.h"
#include "accounts/validation.h"
#include "admin/activity_log.h"
#include "core/json_text.h"
#include "db/sql_now.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::admin {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr int kDefaultLogPage = 50;  // the old default
constexpr int kMaxDays = 3650;

// $1 type, $2 status, $3 days (NULL: each absent), $4 limit, $5 offset, $6
// page.
constexpr const char* kLogsSql =
    "WITH f AS (SELECT e.id, e.created_at FROM email_logs e"
    "   WHERE ($1::text IS NULL OR e.type = $1) AND ($2::text IS NULL OR "
    "e.status = $2)"
    "     AND ($3::int IS NULL OR e.created_at >= " WH_SQL_NOW
    " - make_interval(days => $3::int))),"
    " t AS (SELECT count(*)::int AS n FROM f)"
    " SELECT COALESCE((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id "
    "DESC) FROM ("
    "   SELECT json_build_object('id', e.id, 'type', e.type, 'toEmail', "
    "e.to_email, 'subject', e.subject,"
    "     'status', e.status, 'attemptCount', e.attempt_count, 'maxAttempts', "
    "e.max_attempts,"
    "     'lastError', e.last_error, 'error', e.last_error, 'messageId', "
    "e.message_id,"
    "     'createdAt', wh_iso(e.created_at), 'sentAt', wh_iso(e.sent_at), "
    "'nextAttemptAt', wh_iso(e.next_attempt_at),"
    "     'templateData', CASE WHEN jsonb_typeof(e.template_data) = 'object'"
    "       THEN jsonb_build_object('template', e.template_data->'template') "
    "END) AS j, e.created_at, e.id"
    "   FROM (SELECT id FROM f ORDER BY created_at DESC, id DESC LIMIT $4 "
    "OFFSET $5) p"
    "   JOIN email_logs e ON e.id = p.id) x), '[]'::json)::text,"
    " json_build_object('page', $6::int, 'limit', $4::int, 'total', t.n,"
    "   'pages', (t.n + $4::int - 1) / $4::int)::text"
    " FROM t";

// Today's outcomes (email_logs_created_at_idx) and the queue
// (wh_email_logs_queued_idx), as the data object.
constexpr const char* kStatsSql = "WITH b AS (SELECT date_trunc('day', " WH_SQL_NOW ") AS today, " WH_SQL_NOW
                                  " AS now),"
                                  " d AS (SELECT count(*) FILTER (WHERE e.status = 'sent')::int AS sent,"
                                  "         count(*) FILTER (WHERE e.status = 'failed')::int AS failed"
                                  "       FROM email_logs e, b WHERE e.created_at >= b.today),"
                                  " q AS (SELECT count(*)::int AS pending, count(*) FILTER (WHERE "
                                  "e.claimed_until > b.now)::int AS active,"
                                  "         count(*) FILTER (WHERE e.next_attempt_at > b.now"
                                  "           AND (e.claimed_until IS NULL OR e.claimed_until <= "
                                  "b.now))::int AS delayed"
                                  "       FROM email_logs e, b WHERE e.status = 'queued')"
                                  " SELECT json_build_object('totalSentToday', d.sent, 'totalFailedToday', "
                                  "d.failed,"
                                  "   'successRate', CASE WHEN d.sent + d.failed = 0 THEN 100"
                                  "     ELSE trim_scale(round(d.sent * 100.0 / (d.sent + d.failed), 2)) END,"
                                  "   'pendingCount', q.pending,"
                                  "   'queueHealth', CASE WHEN q.pending > 500 THEN 'unhealthy' WHEN "
                                  "q.pending > 100 THEN 'degraded'"
                                  "     ELSE 'healthy' END,"
                                  "   'queue', json_build_object('waiting', q.pending - q.active - "
                                  "q.delayed, 'active', q.active,"
                                  "     'completed', d.sent, 'failed', d.failed, 'delayed', q.delayed),"
                                  "   'total', d.sent + d.failed, 'sent', d.sent, 'failed', d.failed, "
                                  "'pending', q.pending)::text"
                                  " FROM d, q";

// Puts rows of `c` back in the outbox, as new.
#define WH_REQUEUE                                                 \
  "UPDATE email_logs e SET status = 'queued', attempt_count = 0, " \
  "next_attempt_at = NULL,"                                        \
  " claimed_until = NULL FROM c WHERE e.id = c.id"
// The row has a template the worker can render.
#define WH_HAS_TEMPLATE "COALESCE(jsonb_typeof(template_data->'template') = 'string', false)"

// $1 id, $2 the activity. The row's status and whether it has a template
// (no row: unknown), and how many rows were re-queued (0 or 1).
constexpr const char *kRetryOneSql =
    "WITH l AS (SELECT id, status, " WH_HAS_TEMPLATE
    " AS has_template FROM email_logs WHERE id = $1 FOR UPDATE),"
    " c AS (SELECT id FROM l WHERE status = 'failed' AND has_template),"
    " r AS (" WH_REQUEUE " RETURNING e.id), " WH_ADMIN_ACTIVITY(
        "r", "$2") " SELECT l.status, l.has_template, (SELECT count(*) FROM r) "
                   "FROM l";

// $1 the activity, $2 the most rows. A row being re-queued by a parallel
// call is skipped, not waited for.
constexpr const char* kRetryAllSql =
    "WITH c AS (SELECT id FROM email_logs WHERE status = 'failed' AND "
    "created_at >= " WH_SQL_NOW
    " - interval '24 hours'"
    "   AND " WH_HAS_TEMPLATE
    " ORDER BY created_at DESC, id DESC LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " r AS (" WH_REQUEUE " RETURNING e.id), " WH_ADMIN_ACTIVITY("r", "$1") " SELECT count(*) FROM r";

#undef WH_HAS_TEMPLATE
#undef WH_REQUEUE

void require_admin(const Context& ctx) { accounts::require_role(ctx, {"admin", "super_admin"}); }

Task<Response> list_logs(Context& ctx) {
  require_admin(ctx);
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", kDefaultLogPage, web::kMaxPageSize);
  auto type = q.text("type", 50);
  std::string status = q.choice("status", {"sent", "failed", "queued", "skipped", "pending"}, "");
  int days = q.integer("days", 0, kMaxDays);
  q.finish();
  std::optional<std::string> status_p;
  if (!status.empty()) status_p = status == "pending" ? "queued" : status;
  std::optional<int> days_p;
  if (days > 0) days_p = days;
  db::Params params{type, status_p, days_p, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(kLogsSql, std::move(params));
  co_return Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) +
                           ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

Task<Response> stats(Context& ctx) {
  require_admin(ctx);
  auto r = co_await ctx.db().query(kStatsSql);
  co_return web::ok_data(r.get(0, 0));
}

// The optional email_log_id of the body: absent or null for "all".
std::optional<std::string> log_id_of(const json::object& body) {
  const auto* v = body.if_contains("email_log_id");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string() || !web::plausible_id(v->as_string())) {
    throw ApiError(400, "ValidationError", "Validation failed")
        .with_field("email_log_id", "\"email_log_id\" must be a valid id");
  }
  return std::string(v->as_string());
}

Response requeued(long long count) {
  json::object out{
      {"success", true}, {"requeuedCount", count}, {"message", std::to_string(count) + " email(s) requeued for retry"}};
  return Response::json(json::serialize(out));
}

Task<Response> retry_failed(Context& ctx) {
  require_admin(ctx);
  auto id = log_id_of(accounts::json_body(ctx.req));
  if (!id) {
    Activity activity{"email.retry", "email_log", json::object{{"retryAll", true}}};
    db::Params params{activity_param(ctx, activity), kMaxRetryAll};
    auto r = co_await ctx.db().query(kRetryAllSql, std::move(params));
    co_return requeued(r.get_int(0, 0));
  }
  Activity activity{"email.retry", "email_log", json::object{}};
  db::Params params{*id, activity_param(ctx, activity)};
  auto r = co_await ctx.db().query(kRetryOneSql, std::move(params));
  if (r.empty()) web::throw_not_found("Email log not found");
  if (r.get(0, 0) != "failed") throw ApiError::bad_request("Email is not in failed status");
  if (!r.get_bool(0, 1)) {
    throw ApiError::bad_request("This email was stored without its template and cannot be sent again");
  }
  co_return requeued(r.get_int(0, 2));
}

}  // namespace

void register_email_admin_routes(web::Router& router) {
  router.add("GET", "/api/admin/emails/logs", list_logs);
  router.add("GET", "/api/admin/emails/stats", stats);
  router.add("POST", "/api/admin/emails/retry-failed", retry_failed);
}

}  // namespace wh::admin
