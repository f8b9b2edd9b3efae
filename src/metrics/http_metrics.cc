#include "metrics/http_metrics.h"

#include <array>
#include <charconv>

namespace wh::metrics {

namespace {

std::string_view method_label(std::string_view m) {
  static constexpr std::array<std::string_view, 7> kKnown{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (auto k : kKnown) {
    if (k == m) return k;
  }
  return "OTHER";
}

}  // namespace

HttpMetrics::HttpMetrics(Registry& registry)
    : requests_(registry.counter("wh_http_requests_total", "HTTP responses sent, by method, route pattern and status.",
                                 {"method", "route", "status"})),
      duration_(registry.histogram("wh_http_request_duration_seconds",
                                   "Time from a parsed request to its response, by method and route pattern.",
                                   {"method", "route"})),
      statements_(
          registry.counter("wh_http_db_statements_total", "Database statements run by requests, by route.", {"route"})),
      n_plus_one_(registry.counter("wh_http_n_plus_one_total",
                                   "Requests that ran one statement more than 3 times (a suspected N+1), by route.",
                                   {"route"})) {}

void HttpMetrics::record(std::string_view method, std::string_view route, int status, double seconds, int statements,
                         bool n_plus_one) {
  const std::string_view m = method_label(method);
  const std::string_view r = route.empty() ? kUnmatchedRoute : route;
  char code[8];
  auto end = std::to_chars(code, code + sizeof code, status).ptr;
  requests_.with({m, r, std::string_view(code, static_cast<std::size_t>(end - code))}).inc();
  duration_.with({m, r}).observe(seconds);
  if (statements > 0) statements_.with({r}).inc(static_cast<std::uint64_t>(statements));
  if (n_plus_one) n_plus_one_.with({r}).inc();
}

}  // namespace wh::metrics
