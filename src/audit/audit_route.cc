#include "audit/audit_route.h"

#include <boost/json.hpp>
#include <chrono>

#include "accounts/authenticate.h"
#include "audit/audit_report.h"
#include "core/log.h"
#include "metrics/server_metrics.h"
#include "web/query_params.h"

namespace wh::audit {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

// The slowest statements by mean time; fails when the extension is missing.
constexpr const char* kSlowStatementsSql =
    "SELECT left(query, 500), calls, mean_exec_time FROM pg_stat_statements"
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND mean_exec_time >= $1::float8"
    " ORDER BY mean_exec_time DESC LIMIT 20";

double number_param(const http::Request& req, std::string_view name, double fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  try {
    std::size_t used = 0;
    double d = std::stod(std::string(*v), &used);
    if (used != v->size() || d < 0) throw std::invalid_argument("negative");
    return d;
  } catch (const std::exception&) {
    throw ApiError(400, "ValidationError", "Validation failed")
        .with_field(std::string(name), std::string(name) + " must be a non-negative number");
  }
}

Thresholds thresholds(const http::Request& req) {
  Thresholds t;
  t.min_lookups = number_param(req, "minLookups", t.min_lookups);
  t.keep_db_ms_per_s = number_param(req, "keepDbMsPerSecond", t.keep_db_ms_per_s);
  t.expensive_load_ms = number_param(req, "expensiveLoadMs", t.expensive_load_ms);
  t.cheap_load_ms = number_param(req, "cheapLoadMs", t.cheap_load_ms);
  t.churn_ratio = number_param(req, "churnRatio", t.churn_ratio);
  t.hit_rate_floor = number_param(req, "hitRateFloor", t.hit_rate_floor);
  t.slow_statement_ms = number_param(req, "slowStatementMs", t.slow_statement_ms);
  return t;
}

}  // namespace

std::vector<RouteInfo> routes_from_json(const std::string& json_text) {
  std::vector<RouteInfo> out;
  auto doc = json::parse(json_text);
  for (const auto& v : doc.as_array()) {
    const auto& o = v.as_object();
    RouteInfo r;
    r.method = std::string(o.at("method").as_string());
    r.pattern = std::string(o.at("pattern").as_string());
    r.is_public = o.at("public").as_bool();
    if (const auto& c = o.at("cache"); c.is_string()) r.cache = std::string(c.as_string());
    out.push_back(std::move(r));
  }
  return out;
}

void register_audit_route(web::Router& router, std::function<std::string()> route_table) {
  router.add("GET", "/api/admin/audit", [route_table = std::move(route_table)](Context& ctx) -> Task<Response> {
    accounts::require_role(ctx, {"admin", "super_admin"});
    web::QueryReader q(ctx.req);
    std::string format = q.choice("format", {"json", "md", "html"}, "json");
    q.finish();
    Thresholds t = thresholds(ctx.req);
    double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.services.started).count();
    auto samples = MetricSamples::parse(ctx.get<metrics::ServerMetrics>().registry.render());
    AuditFacts facts = facts_from_metrics(samples, routes_from_json(route_table()), window);
    try {
      db::Params params{std::to_string(t.slow_statement_ms)};
      auto r = co_await ctx.db().query(kSlowStatementsSql, std::move(params));
      facts.statements_known = true;
      for (int i = 0; i < r.rows(); ++i) {
        facts.slow_statements.push_back(
            {std::string(r.get(i, 0)), static_cast<double>(r.get_int(i, 1)), std::stod(std::string(r.get(i, 2)))});
      }
    } catch (const std::exception& e) {
      // pg_stat_statements is not installed (or not readable): said in the report.
      log::info("audit: pg_stat_statements unavailable", {{"error", e.what()}});
    }
    auto report = build_report(facts, t);
    if (!facts.statements_known) {
      report.plan.push_back({3, "statements-unmeasured", "pg_stat_statements",
                             "the extension is not installed, so slow statements are not reported",
                             "CREATE EXTENSION pg_stat_statements (Neon: enabled per project)"});
    }
    Response res;
    if (format == "md") {
      res.body = to_markdown(report);
      res.content_type = http::Bytes::literal("text/markdown; charset=utf-8");
    } else if (format == "html") {
      res.body = to_html(report);
      res.content_type = http::Bytes::literal("text/html; charset=utf-8");
    } else {
      res = Response::json(R"({"success":true,"data":)" + to_json(report) + "}");
    }
    co_return res;
  });
}

}  // namespace wh::audit
