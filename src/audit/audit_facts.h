// What the audit judges: the measured facts of each cache instance, route,
// the database pool and the edge purge outbox over a window, read from the
// server's own metrics (metric_samples.h) and its route table.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audit/metric_samples.h"
#include "db/result.h"

namespace wh::audit {

// One route of the route table (`wighaven routes`).
struct RouteInfo {
  std::string method;
  std::string pattern;
  bool is_public = false;  // has a cache plan: public at the edge
  std::string cache;       // its cache instance ("" when none)
};

struct CacheFacts {
  std::string name;
  double hits = 0, stale_hits = 0, misses = 0, coalesced = 0;
  double invalidations = 0, evictions = 0, load_failures = 0;
  double loads = 0, load_seconds = 0;  // count and sum of the load-duration histogram
  double entries = 0, bytes = 0;
  std::vector<std::string> routes;      // "GET /api/products", ...
  bool invalidation_path = true;        // tag-invalidated (every instance of cache/instances.cc is)
  bool edge_cached = false;             // its routes are public at the edge
  std::optional<double> edge_hit_rate;  // Cloudflare analytics; unknown without a token

  double lookups() const { return hits + stale_hits + misses + coalesced; }
  // Lookups answered without a load of their own.
  double served() const { return hits + stale_hits + coalesced; }
  double hit_rate() const { return lookups() > 0 ? served() / lookups() : 0; }
  std::optional<double> mean_load_ms() const {
    if (loads <= 0) return std::nullopt;
    return load_seconds / loads * 1000;
  }
};

struct RouteFacts {
  RouteInfo route;
  double requests = 0;
  double server_errors = 0;  // 5xx
  double statements = 0;
  double n_plus_one = 0;
  std::optional<double> p50_ms, p99_ms;
  int tier = 4;            // 1 public cached, 2 public read, 3 per-user read, 4 write
  double target_ms = 200;  // p99 aim (a tenth of the seed's target where it names one)
  bool user_specific = false;

  double statements_per_request() const { return requests > 0 ? statements / requests : 0; }
};

struct PoolFacts {
  double size = 0, acquires = 0, waits = 0, timeouts = 0, waiters = 0, in_use = 0;
};

struct PurgeFacts {
  double pending = 0;
  double oldest_seconds = 0;
};

// The edge's answers to API requests over the window (edge_analytics.h).
struct EdgeFacts {
  bool configured = false;  // a Cloudflare analytics token and zone are set
  bool known = false;       // Cloudflare answered
  std::string error;        // why not known
  double requests = 0, hits = 0;
};

struct SlowStatement {
  std::string query;  // as pg_stat_statements normalises it
  double calls = 0;
  double mean_ms = 0;
};

struct AuditFacts {
  double window_seconds = 1;  // what the counters cover (the server's uptime)
  std::vector<CacheFacts> caches;
  std::vector<RouteFacts> routes;
  PoolFacts pool;
  PurgeFacts purge;
  EdgeFacts edge;
  bool statements_known = false;  // pg_stat_statements was readable
  std::vector<SlowStatement> slow_statements;
};

// The slowest statements of this database by mean time (at least $1 ms,
// 20 at most) from pg_stat_statements: query, calls, mean ms. Fails when
// the extension is missing or unreadable.
extern const char* const kSlowStatementsSql;
// Records the rows of kSlowStatementsSql (and that statements are known).
void add_slow_statements(AuditFacts& facts, const db::Result& rows);

// The route's tier and latency aim, and whether its answer depends on the
// caller (by the path families that need a signed-in user).
int route_tier(const RouteInfo& r, bool user_specific);
double route_target_ms(const RouteInfo& r, int tier);
bool user_specific_route(const RouteInfo& r);

// Facts from a scrape of GET /metrics and the route table. Routes without a
// request in the window are left out; caches appear whether used or not.
AuditFacts facts_from_metrics(const MetricSamples& samples, const std::vector<RouteInfo>& routes,
                              double window_seconds);

}  // namespace wh::audit
