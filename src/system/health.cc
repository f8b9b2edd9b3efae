#include "system/health.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/error.h"
#include "core/json_text.h"
#include "core/time.h"
#include "db/pool.h"

namespace wh::system {
namespace json = boost::json;

namespace {

constexpr const char* kProbe = "SELECT 1";  // what check_health() runs; counted when it ran for us

// From a result shared by all health requests and cached for about a
// second: a flood of probes (load balancers, monitors, attackers) costs the
// database one statement per second and cannot occupy the pool.
Task<bool> database_ok(web::Context& ctx) {
  auto t0 = std::chrono::steady_clock::now();
  db::HealthCheck check = co_await ctx.services.pool->check_health(std::chrono::milliseconds(1000));
  if (check.probed) {
    ctx.stats.record(
        kProbe, std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count(),
        0);
    ++ctx.stats.round_trips;
  }
  co_return check.ok;
}

double uptime_seconds(const web::Context& ctx) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.services.started).count();
}

Task<http::Response> health(web::Context& ctx) {
  bool ok = co_await database_ok(ctx);
  json::object body{{"success", ok},
                    {"status", ok ? "healthy" : "unhealthy"},
                    {"timestamp", iso_now()},
                    {"services", json::object{{"database", ok ? "connected" : "disconnected"}}},
                    {"environment", ctx.config().node_env},
                    {"version", WH_VERSION}};
  std::string text = json::serialize(body);
  text.insert(text.size() - 1, ",\"uptime\":" + json_number(std::round(uptime_seconds(ctx) * 1000.0) / 1000.0));
  auto res = http::Response::json(std::move(text), ok ? 200 : 503);
  if (!ok) res.set_header("Retry-After", "5");
  co_return res;
}

Task<http::Response> healthz(web::Context&) { co_return http::Response::json(R"({"status":"ok"})"); }

Task<http::Response> readyz(web::Context& ctx) {
  bool ok = co_await database_ok(ctx);
  if (!ok) throw ApiError::unavailable("Database unavailable");
  co_return http::Response::json(R"({"status":"ready"})");
}

// GET /: the Hugging Face Space probe (?logs= / ?__sign=) or the API banner.
Task<http::Response> root(web::Context& ctx) {
  if (ctx.req.query_param("logs") || ctx.req.query_param("__sign")) {
    co_return http::Response::json(R"({"status":"ok","service":"wighaven-backend","message":"Container is running"})");
  }
  co_return http::Response::json(json::serialize(json::object{{"success", true},
                                                              {"message", "WigHaven Backend API"},
                                                              {"version", WH_VERSION},
                                                              {"health", "/api/health"},
                                                              {"docs", "/api"}}));
}

// GET /api: API information and the endpoint map.
Task<http::Response> api_info(web::Context&) {
  json::object endpoints{{"health", "/api/health"},       {"auth", "/api/auth/*"},
                         {"products", "/api/products/*"}, {"categories", "/api/categories/*"},
                         {"banners", "/api/banners"},     {"settings", "/api/settings/public"},
                         {"currency", "/api/currency/*"}};
  co_return http::Response::json(json::serialize(json::object{
      {"success", true}, {"message", "WigHaven API"}, {"version", WH_VERSION}, {"endpoints", std::move(endpoints)}}));
}

// GET /gateway-health: the old gateway Worker's keep-alive (its cron);
// answered without the database, as the old backend did.
Task<http::Response> gateway_health(web::Context&) {
  co_return http::Response::json(
      json::serialize(json::object{{"status", "ok"}, {"timestamp", iso_now()}, {"service", "wighaven-backend"}}));
}

}  // namespace

void register_routes(web::Router& router) {
  router.add("GET", "/", root);
  router.add("GET", "/api", api_info);
  router.add("GET", "/api/health", health);
  router.add("GET", "/healthz", healthz);
  router.add("GET", "/readyz", readyz);
  router.add("GET", "/gateway-health", gateway_health);
}

}  // namespace wh::system
