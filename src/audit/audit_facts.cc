#include "audit/audit_facts.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace wh::audit {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Path families whose answers depend on the signed-in caller.
constexpr std::string_view kUserPrefixes[] = {"/api/auth",
                                              "/api/cart",
                                              "/api/orders",
                                              "/api/profile",
                                              "/api/wishlist",
                                              "/api/addresses",
                                              "/api/support",
                                              "/api/notifications",
                                              "/api/admin",
                                              "/api/super-admin",
                                              "/api/unsubscribe/preferences",
                                              "/notifications"};

// Public reads a signed-in caller also gets (the public settings live
// under /api/admin for historical reasons).
constexpr std::string_view kPublicExceptions[] = {"/api/admin/settings/public"};

}  // namespace

const char* const kSlowStatementsSql =
    "SELECT left(query, 500), calls, mean_exec_time FROM pg_stat_statements"
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND mean_exec_time >= $1::float8"
    " ORDER BY mean_exec_time DESC LIMIT 20";

void add_slow_statements(AuditFacts& facts, const db::Result& rows) {
  facts.statements_known = true;
  for (int i = 0; i < rows.rows(); ++i) {
    facts.slow_statements.push_back(
        {std::string(rows.get(i, 0)), static_cast<double>(rows.get_int(i, 1)), std::stod(std::string(rows.get(i, 2)))});
  }
}

bool user_specific_route(const RouteInfo& r) {
  for (auto p : kPublicExceptions) {
    if (r.pattern == p) return false;
  }
  for (auto p : kUserPrefixes) {
    if (r.pattern == p || starts_with(r.pattern, std::string(p) + "/")) return true;
  }
  return false;
}

int route_tier(const RouteInfo& r, bool user_specific) {
  bool read = r.method == "GET" || r.method == "HEAD";
  if (!read) return 4;
  if (r.is_public) return 1;
  return user_specific ? 3 : 2;
}

double route_target_ms(const RouteInfo& r, int tier) {
  // A tenth of the seed's targets where it names the route.
  if (r.method == "GET" && (r.pattern == "/api/products" || r.pattern == "/api/products/search")) return 20;
  if (r.method == "POST" && r.pattern == "/api/orders") return 50;
  if (r.method == "POST" && r.pattern == "/api/orders/:order_number/verify-payment") return 100;
  if (starts_with(r.pattern, "/api/admin/dashboard")) return 30;
  switch (tier) {
    case 1:
      return 20;
    case 2:
      return 50;
    case 3:
      return 100;
    default:
      return 200;
  }
}

AuditFacts facts_from_metrics(const MetricSamples& m, const std::vector<RouteInfo>& routes, double window_seconds) {
  AuditFacts f;
  f.window_seconds = std::max(window_seconds, 1.0);

  std::map<std::string, std::vector<std::string>> routes_of_cache;
  for (const auto& r : routes) {
    if (!r.cache.empty()) routes_of_cache[r.cache].push_back(r.method + " " + r.pattern);
  }
  auto names = m.label_values("wh_cache_hits_total", "cache");
  for (const auto& [cache, _] : routes_of_cache) {
    if (std::find(names.begin(), names.end(), cache) == names.end()) names.push_back(cache);
  }
  for (const auto& name : names) {
    std::map<std::string, std::string> key{{"cache", name}};
    CacheFacts c;
    c.name = name;
    c.hits = m.sum("wh_cache_hits_total", key);
    c.stale_hits = m.sum("wh_cache_stale_hits_total", key);
    c.misses = m.sum("wh_cache_misses_total", key);
    c.coalesced = m.sum("wh_cache_coalesced_total", key);
    c.invalidations = m.sum("wh_cache_invalidations_total", key);
    c.evictions = m.sum("wh_cache_evictions_total", key);
    c.load_failures = m.sum("wh_cache_load_failures_total", key);
    c.loads = m.sum("wh_cache_load_duration_seconds_count", key);
    c.load_seconds = m.sum("wh_cache_load_duration_seconds_sum", key);
    c.entries = m.sum("wh_cache_entries", key);
    c.bytes = m.sum("wh_cache_bytes", key);
    c.routes = routes_of_cache[name];
    // Every route cached in process is public at the edge (cache/edge_headers.h).
    c.edge_cached = !c.routes.empty();
    f.caches.push_back(std::move(c));
  }

  for (const auto& r : routes) {
    std::map<std::string, std::string> by_route{{"route", r.pattern}};
    std::map<std::string, std::string> by_method{{"method", r.method}, {"route", r.pattern}};
    RouteFacts rf;
    rf.route = r;
    rf.requests = m.sum("wh_http_requests_total", by_method);
    if (rf.requests <= 0) continue;
    for (const auto* s : m.find("wh_http_requests_total", by_method)) {
      auto st = s->labels.find("status");
      if (st != s->labels.end() && !st->second.empty() && st->second.front() == '5') rf.server_errors += s->value;
    }
    // Statements and N+1 are counted per route pattern, all methods together:
    // shared out by the method's share of the pattern's requests.
    double all_methods = m.sum("wh_http_requests_total", by_route);
    double share = all_methods > 0 ? rf.requests / all_methods : 1;
    rf.statements = m.sum("wh_http_db_statements_total", by_route) * share;
    rf.n_plus_one = m.sum("wh_http_n_plus_one_total", by_route) * share;
    if (auto p = m.quantile("wh_http_request_duration_seconds", 0.5, by_method)) rf.p50_ms = *p * 1000;
    if (auto p = m.quantile("wh_http_request_duration_seconds", 0.99, by_method)) rf.p99_ms = *p * 1000;
    rf.user_specific = user_specific_route(r);
    rf.tier = route_tier(r, rf.user_specific);
    rf.target_ms = route_target_ms(r, rf.tier);
    f.routes.push_back(std::move(rf));
  }
  std::sort(f.routes.begin(), f.routes.end(),
            [](const RouteFacts& a, const RouteFacts& b) { return a.requests > b.requests; });

  f.pool.size = m.sum("wh_db_pool_size");
  f.pool.acquires = m.sum("wh_db_pool_acquires_total");
  f.pool.waits = m.sum("wh_db_pool_waits_total");
  f.pool.timeouts = m.sum("wh_db_pool_timeouts_total");
  f.pool.waiters = m.sum("wh_db_pool_waiters");
  f.pool.in_use = m.sum("wh_db_pool_in_use");
  f.purge.pending = m.sum("wh_cdn_purge_outbox_pending");
  f.purge.oldest_seconds = m.sum("wh_cdn_purge_outbox_oldest_seconds");
  return f;
}

}  // namespace wh::audit
