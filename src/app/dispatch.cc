#include "app/dispatch.h"

#include <boost/json.hpp>
#include <chrono>

#include "accounts/authenticate.h"
#include "app/rate_limit.h"
#include "core/error.h"
#include "core/log.h"
#include "security/client_ip.h"
#include "security/http_policy.h"

namespace wh::app {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

http::Response from_api_error(const ApiError& e) {
  json::object err{{"type", e.type()}, {"message", e.what()}};
  if (!e.fields().empty()) {
    json::array fields;
    for (const auto& f : e.fields()) fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
    err["fields"] = std::move(fields);
  }
  auto res =
      http::Response::json(json::serialize(json::object{{"success", false}, {"error", std::move(err)}}), e.status());
  if (e.retry_after() > 0) res.set_header("Retry-After", std::to_string(e.retry_after()));
  return res;
}

bool is_health_path(std::string_view path) {
  return path == "/api/health" || path == "/healthz" || path == "/readyz" || path == "/";
}

// The old maintenance body: `error` is a string the frontend tests for.
http::Response maintenance_response() {
  auto res = http::Response::json(
      R"({"success":false,"error":"MAINTENANCE_MODE","message":"System is currently under maintenance. Please try again later.","retryAfter":3600})",
      503);
  res.set_header("Retry-After", "3600");
  return res;
}

// Everything before the route handler. Returns a response to send instead
// of routing, or nullopt to go on.
Task<std::optional<http::Response>> guard(const Router& router, Context& ctx, http::Request& req,
                                          const Handler*& handler) {
  auto& s = ctx.services;
  req.client_ip = security::resolve_client_ip(req, s.client_ip);

  if (!s.client_ip.origin_secret.empty() && !is_health_path(req.path) &&
      !security::has_origin_secret(req, s.client_ip)) {
    throw ApiError(403, "ForbiddenError", "Direct access to the origin is not allowed");
  }
  if (s.site.ip_blocked(req.client_ip)) throw ApiError(403, "ForbiddenError", "Access denied");

  auto origin = req.header("origin");
  if (req.method == "OPTIONS" && origin && req.header("access-control-request-method")) {
    if (!s.cors.allowed(*origin)) throw ApiError(403, "ForbiddenError", "Origin not allowed");
    co_return s.cors.preflight(*origin);
  }

  if (!security::general_limit_exempt(req.path)) {
    enforce_rate_limit(ctx, s.general_limit, req.client_ip, "Too many requests. Please try again later.");
  }

  co_await accounts::authenticate(ctx);

  if (s.site.maintenance() && !(ctx.auth.principal && ctx.auth.principal->is_admin()) &&
      !security::maintenance_exempt(req.path)) {
    co_return maintenance_response();
  }

  handler = router.match(req, ctx);
  if (handler == nullptr) throw ApiError(404, "NotFoundError", "Route " + req.method + " " + req.path + " not found");
  co_return std::nullopt;
}

void finish_headers(Context& ctx, const http::Request& req, http::Response& res) {
  auto& s = ctx.services;
  if (res.find_header("Cache-Control") == nullptr) res.set_header("Cache-Control", "private, no-store");
  if (auto origin = req.header("origin");
      origin && s.cors.allowed(*origin) && res.find_header("Access-Control-Allow-Origin") == nullptr) {
    s.cors.decorate(*origin, res);
  }
  security::add_security_headers(res, s.config.production());
  if (ctx.rate) security::add_rate_headers(*ctx.rate, res);
  for (auto& [k, v] : ctx.extra_headers) res.set_header(k, v);
}

}  // namespace

Task<http::Response> dispatch(const Router& router, Services& services, http::Request& req) {
  auto t0 = Clock::now();
  Context ctx(req, services);
  http::Response res;
  std::string failure;
  try {
    const Handler* handler = nullptr;
    auto early = co_await guard(router, ctx, req, handler);
    if (early) {
      res = std::move(*early);
    } else {
      res = co_await (*handler)(ctx);
    }
  } catch (const ApiError& e) {
    res = from_api_error(e);
  } catch (const std::exception& e) {
    // A bug or a database error: logged in full, never shown to the client.
    failure = e.what();
    res = from_api_error(ApiError(500, "InternalServerError", "An unexpected error occurred"));
  }
  finish_headers(ctx, req, res);

  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  if (services.config.debug_headers) {
    res.set_header("X-DB-Statements", std::to_string(ctx.stats.statements));
    res.set_header("X-DB-Round-Trips", std::to_string(ctx.stats.round_trips));
    res.set_header("X-DB-Time-Us", std::to_string(ctx.stats.db_us));
  }
  json::object line{{"rid", req.request_id},
                    {"method", req.method},
                    {"path", req.path},
                    {"status", res.status},
                    {"ms", static_cast<double>(us) / 1000.0},
                    {"bytes", res.body.size()},
                    {"ip", req.client_ip},
                    {"db_statements", ctx.stats.statements},
                    {"db_ms", static_cast<double>(ctx.stats.db_us) / 1000.0},
                    {"pool_wait_ms", static_cast<double>(ctx.stats.wait_us) / 1000.0}};
  if (ctx.auth.principal) line["user"] = ctx.auth.principal->id;
  if (ctx.stats.max_repeat > 3) line["n_plus_one_suspect"] = ctx.stats.max_repeat;
  if (!failure.empty()) {
    line["error"] = failure;
    log::error("request failed", std::move(line));
  } else if (services.config.access_log) {
    log::info("request", std::move(line));
  }
  co_return res;
}

}  // namespace wh::app
