#include "payments/webhook_routes.h"

#include "accounts/authenticate.h"
#include "core/json_text.h"
#include "core/log.h"
#include "payments/webhook_queue.h"
#include "payments/webhook_signature.h"
#include "web/query_params.h"

namespace wh::payments {

namespace {

Task<http::Response> receive(web::Context& ctx) {
  auto signature = ctx.req.header("x-paystack-signature");
  if (!signature || !paystack_signature_valid(ctx.config().paystack_secret_key, ctx.req.body, *signature)) {
    log::warn("paystack webhook with an invalid signature", {{"client_ip", ctx.req.client_ip}});
    throw ApiError(401, "UnauthorizedError", "Invalid signature");
  }
  auto event = read_event(ctx.req.body);
  if (!event) throw ApiError::bad_request("The webhook body must be a JSON object with an event");
  auto db = ctx.db();
  bool recorded = co_await record_event(db, *event);
  co_return http::Response::json(recorded ? R"({"success":true,"message":"Webhook received"})"
                                          : R"({"success":true,"message":"Webhook already received"})");
}

constexpr const char* kLogsSql = R"(
WITH f AS (SELECT * FROM wh_payment_events WHERE $1::text IS NULL OR status = $1),
t AS (SELECT count(*)::int AS n FROM f)
SELECT COALESCE((SELECT json_agg(json_build_object(
    'id', e.id, 'provider', e.provider, 'event', e.event, 'reference', e.reference, 'status', e.status,
    'result', e.result, 'error', e.error, 'order_id', e.order_id, 'attempts', e.attempts,
    'received_at', wh_iso(e.received_at), 'processed_at', wh_iso(e.processed_at), 'payload', e.payload)
    ORDER BY e.received_at DESC, e.id DESC)
  FROM (SELECT * FROM f ORDER BY received_at DESC, id DESC LIMIT $2 OFFSET $3) e), '[]'::json)::text,
  json_build_object('page', $4::int, 'limit', $2::int, 'total', t.n, 'pages', (t.n + $2::int - 1) / $2::int)::text
FROM t)";

Task<http::Response> logs(web::Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  web::QueryReader q(ctx.req);
  int page = q.integer("page", 1, web::kMaxPage);
  int limit = q.integer("limit", web::kDefaultPageSize, web::kMaxPageSize);
  std::string status = q.choice("status", {"all", "queued", "processed", "ignored", "failed"}, "all");
  q.finish();
  std::optional<std::string> status_p;
  if (status != "all") status_p = status;
  db::Params params{status_p, limit, static_cast<long long>(page - 1) * limit, page};
  auto r = co_await ctx.db().query(kLogsSql, std::move(params));
  co_return http::Response::json(R"({"success":true,"data":)" + compact_json(r.get(0, 0)) +
                                 ",\"pagination\":" + compact_json(r.get(0, 1)) + "}");
}

}  // namespace

void register_webhook_routes(web::Router& router) {
  router.add("POST", "/webhook/paystack", receive);
  router.add("POST", "/api/webhooks/paystack", receive);
  router.add("GET", "/api/webhooks/paystack/logs", logs);
}

}  // namespace wh::payments
