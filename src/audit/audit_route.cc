#include "audit/audit_route.h"

#include <boost/json.hpp>
#include <chrono>

#include "accounts/authenticate.h"
#include "audit/audit_report.h"
#include "audit/edge_analytics.h"
#include "core/log.h"
#include "http/client.h"
#include "metrics/server_metrics.h"
#include "web/query_params.h"

namespace wh::audit {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

constexpr std::chrono::milliseconds kEdgeTimeout{5000};

double number_param(std::string_view name, std::string_view v) {
  try {
    std::size_t used = 0;
    double d = std::stod(std::string(v), &used);
    if (used != v.size() || d < 0) throw std::invalid_argument("negative");
    return d;
  } catch (const std::exception&) {
    throw ApiError(400, "ValidationError", "Validation failed")
        .with_field(std::string(name), std::string(name) + " must be a non-negative number");
  }
}

Thresholds thresholds(const http::Request& req) {
  Thresholds t;
  for (auto name : threshold_names()) {
    auto v = req.query_param(name);
    if (v && !v->empty()) set_threshold(t, name, number_param(name, *v));
  }
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
    auto routes = routes_from_json(route_table());
    AuditFacts facts = facts_from_metrics(samples, routes, window);
    try {
      db::Params params{std::to_string(t.slow_statement_ms)};
      auto r = co_await ctx.db().query(kSlowStatementsSql, std::move(params));
      add_slow_statements(facts, r);
    } catch (const std::exception& e) {
      // pg_stat_statements is not installed (or not readable): said in the report.
      log::info("audit: pg_stat_statements unavailable", {{"error", e.what()}});
    }
    if (auto source = edge_source(ctx.config()); source.configured()) {
      auto traffic =
          co_await fetch_edge_traffic(ctx.get<http::OutboundClient>(), source, facts.window_seconds, kEdgeTimeout);
      apply_edge_traffic(facts, routes, traffic);
    }
    auto report = build_report(facts, t);
    Response res;
    if (format == "json") {
      res = Response::json(R"({"success":true,"data":)" + to_json(report) + "}");
    } else {
      res.body = render_report(report, format);
      res.content_type =
          http::Bytes::literal(format == "md" ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8");
    }
    co_return res;
  });
}

}  // namespace wh::audit
