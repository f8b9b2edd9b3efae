// The seed's four-pillar audit, computed from AuditFacts: executive
// summary, critical issues, one verdict per cache instance with the rule
// that fired, route tiers, a P1-P3 plan and configuration examples; as
// JSON, Markdown or an HTML page with charts.
//
// Cache verdicts (first rule that matches wins; every threshold below is a
// Thresholds field, so a report can be asked with others):
//   1. no-invalidation    REFACTOR  no tag invalidation path: stale data
//   2. too-little-traffic KEEP      fewer than min_lookups lookups: not
//                                   judged yet (it costs only its bytes)
//   3. unmeasured         REFACTOR  lookups but no timed load
//   4. saves-database     KEEP      saved DB time >= keep_db_ms_per_s: the
//                                   database time and pool pressure it
//                                   saves, (hits + stale hits + coalesced
//                                   waits)/s x mean load ms (a 3 ms load
//                                   that 1000 shoppers a second would
//                                   otherwise run saves 3000 ms/s)
//   5. expensive-load     KEEP      mean load >= expensive_load_ms
//   6. constant-churn     REMOVE    invalidations >= churn_ratio x served:
//                                   the data changes faster than it is read
//   7. redundant-with-edge REFACTOR the edge answers >= edge_redundant of
//                                   the same routes (known only with
//                                   Cloudflare analytics)
//   8. low-hit-rate       REFACTOR  hit rate < hit_rate_floor
//   9. cheap-load         REMOVE    mean load < cheap_load_ms
//  10. earns-its-place    KEEP      otherwise
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_facts.h"

namespace wh::audit {

struct Thresholds {
  double min_lookups = 200;
  double keep_db_ms_per_s = 50;  // 5% of one pooled connection's time
  double expensive_load_ms = 50;
  double cheap_load_ms = 10;
  double churn_ratio = 1.0;
  double edge_redundant = 0.90;
  double hit_rate_floor = 0.70;
  double slow_statement_ms = 100;
  double purge_backlog_seconds = 300;
  double pool_wait_share = 0.10;  // waits per acquire above which the pool is called saturated
};

// The Thresholds fields by the names GET /api/admin/audit's query and
// `wighaven audit --set` use: minLookups, keepDbMsPerSecond,
// expensiveLoadMs, cheapLoadMs, churnRatio, edgeRedundant, hitRateFloor,
// slowStatementMs, purgeBacklogSeconds, poolWaitShare. set_threshold is
// false for an unknown name.
std::vector<std::string_view> threshold_names();
bool set_threshold(Thresholds& t, std::string_view name, double value);

enum class Verdict { keep, refactor, remove };
const char* verdict_name(Verdict v);

struct CacheVerdict {
  std::string cache;
  Verdict verdict = Verdict::keep;
  std::string rule;
  std::string why;  // the numbers behind it
  double hit_rate = 0;
  double lookups_per_s = 0;
  std::optional<double> load_ms;
  double saved_db_ms_per_s = 0;
  double invalidations_per_s = 0;
  bool edge_cached = false;
  std::optional<double> edge_hit_rate;
};

struct Finding {
  int priority = 3;  // 1 correctness, security, DB overload; 2 performance; 3 the rest
  std::string kind;  // e.g. "n-plus-one", "slow-statement", "cache-hit-rate"
  std::string subject;
  std::string detail;  // the numbers behind it
  std::string action;
};

struct AuditReport {
  double window_seconds = 0;
  // Executive summary.
  int cache_instances = 0;
  std::vector<std::string> redundancies;  // caches whose routes the edge caches too
  double requests = 0;
  double statements_avoided = 0;  // lookups answered without a load
  double served_without_db = 0;   // share of requests answered by a cache
  double db_ms_saved_per_s = 0;
  double statements_per_request = 0;
  std::string edge;  // "unknown (no Cloudflare analytics token)" or what was measured
  double edge_requests = 0;
  std::optional<double> edge_hit_rate;  // share of API requests answered from Cloudflare's cache
  std::vector<Finding> critical;
  std::vector<CacheVerdict> verdicts;
  std::vector<RouteFacts> routes;
  std::vector<Finding> plan;  // every finding and verdict action, P1 first
  std::vector<std::string> config_examples;
};

CacheVerdict judge_cache(const CacheFacts& c, double window_seconds, const Thresholds& t);
AuditReport build_report(const AuditFacts& facts, const Thresholds& t = {});

std::string to_json(const AuditReport& r);
std::string to_markdown(const AuditReport& r);
std::string to_html(const AuditReport& r);
// to_json, to_markdown or to_html by format name: "json", "md" or "html".
std::string render_report(const AuditReport& r, std::string_view format);

}  // namespace wh::audit
