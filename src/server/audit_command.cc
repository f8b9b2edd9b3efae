#include "server/audit_command.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <optional>
#include <variant>

#include "audit/audit_report.h"
#include "audit/audit_route.h"
#include "audit/edge_analytics.h"
#include "db/blocking_session.h"
#include "http/client.h"
#include "server/app_state.h"
#include "server/route_table.h"
#include "server/routes.h"

namespace wh::server {

namespace {

constexpr std::size_t kMaxMetricsBytes = std::size_t{32} * 1024 * 1024;

struct Options {
  std::string url;
  std::string metrics_token;
  std::string format = "md";
  audit::Thresholds thresholds;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr,
               "wighaven audit: %s\nUsage: wighaven audit --url URL [--metrics-token T] [--format md|json|html]"
               " [--set NAME=VALUE ...]\n",
               message.c_str());
  return 2;
}

// The options, or the exit code of a usage error (already reported).
std::variant<Options, int> parse_options(const std::vector<std::string>& args, const Config& config) {
  Options o;
  o.metrics_token = config.metrics_token;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) return usage_error(a + " needs a value");
    const std::string& v = args[++i];
    if (a == "--url") {
      o.url = v;
    } else if (a == "--metrics-token") {
      o.metrics_token = v;
    } else if (a == "--format") {
      if (v != "md" && v != "json" && v != "html") return usage_error("--format must be md, json or html");
      o.format = v;
    } else if (a == "--set") {
      auto eq = v.find('=');
      char* end = nullptr;
      double value = eq == std::string::npos ? -1 : std::strtod(v.c_str() + eq + 1, &end);
      if (eq == std::string::npos || end == v.c_str() + eq + 1 || *end != '\0' || value < 0 ||
          !audit::set_threshold(o.thresholds, v.substr(0, eq), value)) {
        return usage_error("--set needs NAME=VALUE with a known threshold and a non-negative number: " + v);
      }
    } else {
      return usage_error("unknown option " + a);
    }
  }
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    return usage_error("--url must be the server's http(s) URL");
  }
  while (o.url.back() == '/') o.url.pop_back();
  return o;
}

struct Remote {
  audit::MetricSamples samples;
  double window_seconds = 1;
  std::optional<audit::EdgeTraffic> edge;
};

Task<Remote> read_remote(http::OutboundClient& client, const Options& o, const Config& config) {
  http::OutboundRequest req;
  req.url = o.url + "/metrics";
  if (!o.metrics_token.empty()) req.headers.emplace_back("Authorization", "Bearer " + o.metrics_token);
  req.max_body_bytes = kMaxMetricsBytes;
  auto res = co_await client.send(std::move(req));
  if (res.status != 200) {
    throw std::runtime_error(fmt::format("GET {}/metrics answered {}: {}", o.url, res.status, res.body.substr(0, 200)));
  }
  Remote remote;
  remote.samples = audit::MetricSamples::parse(res.body);
  remote.window_seconds = remote.samples.sum("wh_uptime_seconds");
  if (remote.window_seconds <= 0) {
    throw std::runtime_error("GET " + o.url + "/metrics has no wh_uptime_seconds: is it a WigHaven server?");
  }
  if (auto source = audit::edge_source(config); source.configured()) {
    remote.edge = co_await audit::fetch_edge_traffic(client, source, remote.window_seconds, config.outbound_timeout);
  }
  co_return remote;
}

// The metrics and edge traffic, read on a private event loop.
Remote read_remote_blocking(const Options& o, const Config& config) {
  boost::asio::io_context io;
  std::optional<Remote> remote;
  std::exception_ptr failure;
  {
    http::OutboundClient client(io.get_executor(), outbound_options(config));
    boost::asio::co_spawn(io, read_remote(client, o, config), [&](std::exception_ptr e, Remote r) {
      if (e) {
        failure = e;
      } else {
        remote = std::move(r);
      }
      io.stop();  // idle keep-alive connections would keep run() going
    });
    io.run();
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*remote);
}

}  // namespace

int run_audit_command(const Config& config, const std::vector<std::string>& args) {
  auto parsed = parse_options(args, config);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  const auto& o = std::get<Options>(parsed);

  Remote remote;
  try {
    remote = read_remote_blocking(o, config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wighaven audit: cannot read the server: %s\n", e.what());
    return 1;
  }
  web::Router router;
  register_routes(router);
  auto routes = audit::routes_from_json(routes_json(router));
  auto facts = audit::facts_from_metrics(remote.samples, routes, remote.window_seconds);
  if (remote.edge) audit::apply_edge_traffic(facts, routes, *remote.edge);
  if (!config.database_url.empty()) {
    try {
      db::BlockingSession db(db::tool_connect_options(config.database_url, "wighaven-audit"), std::chrono::seconds(30));
      audit::add_slow_statements(facts,
                                 db.exec(audit::kSlowStatementsSql, {std::to_string(o.thresholds.slow_statement_ms)}));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "wighaven audit: pg_stat_statements not read: %s\n", e.what());
    }
  }
  std::fputs(audit::render_report(audit::build_report(facts, o.thresholds), o.format).c_str(), stdout);
  return 0;
}

}  // namespace wh::server
