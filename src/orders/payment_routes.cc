#include "orders/payment_routes.h"

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "accounts/validation.h"
#include "core/json_text.h"
#include "core/money.h"
#include "db/db.h"
#include "orders/order_access.h"
#include "orders/payment_apply.h"
#include "orders/payment_verify.h"
#include "orders/payment_watch.h"
#include "payments/paystack_client.h"
#include "security/rate_limiter.h"
#include "security/route_limit.h"

namespace wh::orders {
namespace json = boost::json;

namespace {

const security::RatePolicy kVerifyLimit{"verify-payment", 30, std::chrono::seconds(60)};
const security::RatePolicy kStreamLimit{"payment-stream", 30, std::chrono::seconds(60)};

// ?email= or, for a POST, {"email"}.
std::optional<std::string> email_of(const web::Context& ctx) {
  if (auto q = ctx.req.query_param("email")) return std::string(*q);
  if (ctx.req.method != "POST" || ctx.req.body.empty()) return std::nullopt;
  auto body = accounts::json_body(ctx.req);
  if (const auto* e = body.if_contains("email"); e != nullptr && e->is_string()) return std::string(e->as_string());
  return std::nullopt;
}

// Loads the order and checks the caller may see it (403 otherwise).
Task<OrderRow> accessible_order(web::Context& ctx) {
  auto email = email_of(ctx);
  auto order = co_await load_order(ctx, ctx.param("order_number"));
  std::optional<std::string_view> given;
  if (email) given = *email;
  authorise(ctx, order, given);
  co_return order;
}

Task<http::Response> verify_payment(web::Context& ctx) {
  security::enforce_rate_limit(ctx, kVerifyLimit, ctx.req.client_ip, "Too many requests, please try again later.");
  auto order = co_await accessible_order(ctx);
  if (order.payment_status == "paid") {
    co_return http::Response::json(R"({"success":true,"message":"Order is already marked as paid","order":)" +
                                   order.json + R"(,"data":{"order":)" + order.json + "}}");
  }
  if (order.reference.empty()) throw ApiError::bad_request("No Paystack reference available");
  std::string source = "verify";
  auto verified = co_await verify_and_apply(ctx.services, order.reference, std::move(source));
  const payments::VerifyOutcome& v = verified.outcome;
  if (v.verdict == payments::Verdict::not_found) throw ApiError::bad_request("Payment verification failed");
  std::optional<Applied> applied;
  if (verified.result) applied = verified.result->applied;
  // Nothing was applied (still pending): the order read above is current.
  if (applied) order = co_await load_order(ctx, ctx.param("order_number"));
  json::object verification = verification_json(v);
  std::string body = R"({"success":true,"message":)" +
                     json::serialize(json::string(verification_message(v.verdict, applied))) + R"(,"verification":)" +
                     json::serialize(verification) + R"(,"data":{"order":)" + order.json + R"(,"verification":)" +
                     json::serialize(verification) + "}}";
  co_return http::Response::json(std::move(body));
}

// ---- payment stream -------------------------------------------------------

struct StreamState {
  std::string json;  // {"order_number","status","payment_status"}
  bool final = false;
};

Task<StreamState> read_state(web::Services& services, const std::string& order_id) {
  constexpr const char* kSql =
      "SELECT json_build_object('order_number', order_number, 'status', status, 'payment_status', payment_status)"
      "::text, payment_status IN ('paid', 'failed', 'refund_pending', 'refunded', 'refund_failed')"
      " OR status = 'cancelled' FROM orders WHERE id = $1";
  db::Db db(*services.pool, nullptr);
  db::Params params{order_id};
  auto r = co_await db.query(kSql, std::move(params));
  if (r.empty()) co_return StreamState{R"({"status":"deleted"})", true};
  co_return StreamState{compact_json(r.get(0, 0)), r.get_bool(0, 1)};
}

Task<void> run_stream(web::Services& services, std::string order_id, http::BodySink& sink) {
  using Clock = std::chrono::steady_clock;
  PaymentWatch::Subscription sub(services.get<PaymentWatch>(), order_id, co_await boost::asio::this_coro::executor);
  const auto deadline = Clock::now() + services.config.payment_stream_max;
  const std::string keep_alive = ": keep-alive\n\n";
  std::string last;
  for (;;) {
    auto state = co_await read_state(services, order_id);
    if (state.json != last) {
      std::string event = "data: " + state.json + "\n\n";
      bool sent = co_await sink.write(event);
      if (!sent) co_return;
      last = state.json;
    }
    if (state.final) co_return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      std::string timeout = "event: timeout\ndata: " + state.json + "\n\n";
      co_await sink.write(timeout);
      co_return;
    }
    bool changed = co_await sub.wait(std::min(left, services.config.payment_stream_heartbeat));
    // Shutting down: end the stream (EventSource reconnects to another
    // instance, or to this one once it is back).
    if (services.get<PaymentWatch>().closed()) co_return;
    if (!changed) {
      bool sent = co_await sink.write(keep_alive);
      if (!sent) co_return;
    }
  }
}

Task<http::Response> payment_stream(web::Context& ctx) {
  security::enforce_rate_limit(ctx, kStreamLimit, ctx.req.client_ip, "Too many requests, please try again later.");
  auto order = co_await accessible_order(ctx);
  http::Response res;
  res.content_type = http::Bytes::literal("text/event-stream; charset=utf-8");
  res.set_header("Cache-Control", http::Bytes::literal("no-cache"));
  res.set_header("X-Accel-Buffering", http::Bytes::literal("no"));
  web::Services* services = &ctx.services;
  res.stream = [services, id = order.id](http::BodySink& sink) { return run_stream(*services, id, sink); };
  co_return res;
}

// ---- confirmation page ----------------------------------------------------

constexpr std::string_view kConfirmationPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payment Successful</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f0f2f5; margin: 0; padding: 48px 16px; text-align: center; }
  .card { background: #fff; max-width: 480px; margin: 0 auto; padding: 40px 32px; border-radius: 14px;
          box-shadow: 0 4px 16px rgba(0, 0, 0, .08); }
  h1 { color: #27ae60; margin: 12px 0; }
  p { color: #555; line-height: 1.5; }
  a.button { display: inline-block; margin-top: 20px; padding: 12px 24px; border-radius: 24px; background: #111;
             color: #fff; text-decoration: none; font-weight: 600; }
</style>
</head>
<body>
<div class="card">
  <div style="font-size: 48px" aria-hidden="true">&#10003;</div>
  <h1>Payment Successful!</h1>
  <p>Thank you for your order. Your payment has been received.</p>
  <p>You can close this window and return to your order.</p>
  <a class="button" href="javascript:window.close()">Close Window</a>
</div>
</body>
</html>
)html";

Task<http::Response> confirmation_page(web::Context&) {
  http::Response res;
  res.body = http::Bytes::literal(kConfirmationPage);
  res.content_type = http::Bytes::literal("text/html; charset=utf-8");
  co_return res;
}

}  // namespace

void register_payment_routes(web::Router& router) {
  router.add("POST", "/api/orders/:order_number/verify-payment", verify_payment);
  router.add("GET", "/api/orders/:order_number/payment-stream", payment_stream);
  router.add("GET", "/order/confirmation", confirmation_page);
}

}  // namespace wh::orders
