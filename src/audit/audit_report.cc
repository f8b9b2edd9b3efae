#include "audit/audit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

namespace wh::audit {
namespace json = boost::json;

namespace {

std::string pct(double share) { return fmt::format("{:.1f}%", share * 100); }
std::string num(double v) {
  return v >= 100 || v == static_cast<long long>(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v);
}
std::string ms(std::optional<double> v) { return v ? fmt::format("{:.1f} ms", *v) : std::string("n/a"); }

std::string env_name(std::string_view cache) {
  std::string out;
  for (char c : cache) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

CacheVerdict verdict(CacheVerdict v, Verdict what, const char* rule, std::string why) {
  v.verdict = what;
  v.rule = rule;
  v.why = std::move(why);
  return v;
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::keep:
      return "KEEP";
    case Verdict::refactor:
      return "REFACTOR";
    case Verdict::remove:
      return "REMOVE";
  }
  return "KEEP";
}

namespace {

struct ThresholdName {
  std::string_view name;
  double Thresholds::*field;
};

constexpr ThresholdName kThresholdNames[] = {
    {"minLookups", &Thresholds::min_lookups},
    {"keepDbMsPerSecond", &Thresholds::keep_db_ms_per_s},
    {"expensiveLoadMs", &Thresholds::expensive_load_ms},
    {"cheapLoadMs", &Thresholds::cheap_load_ms},
    {"churnRatio", &Thresholds::churn_ratio},
    {"edgeRedundant", &Thresholds::edge_redundant},
    {"hitRateFloor", &Thresholds::hit_rate_floor},
    {"slowStatementMs", &Thresholds::slow_statement_ms},
    {"purgeBacklogSeconds", &Thresholds::purge_backlog_seconds},
    {"poolWaitShare", &Thresholds::pool_wait_share},
};

}  // namespace

std::vector<std::string_view> threshold_names() {
  std::vector<std::string_view> out;
  for (const auto& t : kThresholdNames) out.push_back(t.name);
  return out;
}

bool set_threshold(Thresholds& t, std::string_view name, double value) {
  for (const auto& n : kThresholdNames) {
    if (n.name == name) {
      t.*n.field = value;
      return true;
    }
  }
  return false;
}

CacheVerdict judge_cache(const CacheFacts& c, double window, const Thresholds& t) {
  CacheVerdict v;
  v.cache = c.name;
  v.hit_rate = c.hit_rate();
  v.lookups_per_s = c.lookups() / window;
  v.load_ms = c.mean_load_ms();
  v.saved_db_ms_per_s = v.load_ms ? c.served() / window * *v.load_ms : 0;
  v.invalidations_per_s = c.invalidations / window;
  v.edge_cached = c.edge_cached;
  v.edge_hit_rate = c.edge_hit_rate;
  const std::string numbers = fmt::format(
      "hit rate {} over {} lookups ({:.1f}/s), mean load {}, saves {:.1f} ms of DB time/s, {} invalidations ({:.2f}/s)",
      pct(v.hit_rate), num(c.lookups()), v.lookups_per_s, ms(v.load_ms), v.saved_db_ms_per_s, num(c.invalidations),
      v.invalidations_per_s);

  if (!c.invalidation_path)
    return verdict(v, Verdict::refactor, "no-invalidation", "no tag invalidation path; " + numbers);
  if (c.lookups() < t.min_lookups) {
    return verdict(v, Verdict::keep, "too-little-traffic",
                   fmt::format("{} lookups, under {} to judge; ", num(c.lookups()), num(t.min_lookups)) + numbers);
  }
  if (!v.load_ms) return verdict(v, Verdict::refactor, "unmeasured", "lookups but no timed load; " + numbers);
  if (v.saved_db_ms_per_s >= t.keep_db_ms_per_s) {
    return verdict(
        v, Verdict::keep, "saves-database",
        fmt::format("saves {:.1f} >= {} ms of DB time per second; ", v.saved_db_ms_per_s, num(t.keep_db_ms_per_s)) +
            numbers);
  }
  if (*v.load_ms >= t.expensive_load_ms) {
    return verdict(v, Verdict::keep, "expensive-load",
                   fmt::format("mean load {:.1f} >= {} ms; ", *v.load_ms, num(t.expensive_load_ms)) + numbers);
  }
  if (c.invalidations >= t.churn_ratio * c.served()) {
    return verdict(
        v, Verdict::remove, "constant-churn",
        fmt::format("{} invalidations for {} answers from the cache; ", num(c.invalidations), num(c.served())) +
            numbers);
  }
  if (c.edge_cached && c.edge_hit_rate && *c.edge_hit_rate >= t.edge_redundant) {
    return verdict(v, Verdict::refactor, "redundant-with-edge",
                   fmt::format("the edge answers {} of these routes; ", pct(*c.edge_hit_rate)) + numbers);
  }
  if (v.hit_rate < t.hit_rate_floor) {
    return verdict(v, Verdict::refactor, "low-hit-rate",
                   fmt::format("hit rate {} < {}; ", pct(v.hit_rate), pct(t.hit_rate_floor)) + numbers);
  }
  if (*v.load_ms < t.cheap_load_ms) {
    return verdict(
        v, Verdict::remove, "cheap-load",
        fmt::format("mean load {:.1f} < {} ms and little DB time saved; ", *v.load_ms, num(t.cheap_load_ms)) + numbers);
  }
  return verdict(v, Verdict::keep, "earns-its-place", numbers);
}

AuditReport build_report(const AuditFacts& f, const Thresholds& t) {
  AuditReport r;
  r.window_seconds = f.window_seconds;
  r.cache_instances = static_cast<int>(f.caches.size());
  r.routes = f.routes;
  double served = 0, statements = 0;
  for (const auto& route : f.routes) {
    r.requests += route.requests;
    statements += route.statements;
  }
  for (const auto& c : f.caches) {
    auto v = judge_cache(c, f.window_seconds, t);
    served += c.served();
    r.db_ms_saved_per_s += v.saved_db_ms_per_s;
    if (c.edge_cached) {
      r.redundancies.push_back(fmt::format("{}: in-process hit rate {}, edge hit rate {}", c.name, pct(v.hit_rate),
                                           c.edge_hit_rate ? pct(*c.edge_hit_rate) : std::string("unknown")));
    }
    if (!c.invalidation_path) {
      r.critical.push_back({1, "cache-without-invalidation", c.name, v.why, "add tag invalidation or a short TTL"});
    }
    if (c.lookups() >= t.min_lookups && v.hit_rate < t.hit_rate_floor) {
      r.critical.push_back({2, "cache-hit-rate", c.name, v.why,
                            "widen the TTL or narrow the key space (canonical query), or remove the cache"});
    }
    if (v.verdict != Verdict::keep) {
      r.plan.push_back({v.verdict == Verdict::refactor && v.rule == "no-invalidation" ? 1 : 2,
                        std::string("cache-") + verdict_name(v.verdict), c.name, v.why,
                        v.verdict == Verdict::remove ? "remove the instance (serve from the database and the edge)"
                                                     : "rework the instance (" + v.rule + ")"});
      if (v.verdict == Verdict::remove) {
        r.config_examples.push_back(fmt::format("CACHE_{}_TTL_MS=0   # {}: {}", env_name(c.name), c.name, v.rule));
      } else if (v.rule == "low-hit-rate") {
        r.config_examples.push_back(
            fmt::format("CACHE_{}_SWR_MS=60000   # {}: serve stale while refreshing", env_name(c.name), c.name));
      }
    }
    r.verdicts.push_back(std::move(v));
  }
  r.statements_avoided = served;
  r.served_without_db = r.requests > 0 ? std::min(served / r.requests, 1.0) : 0;
  r.statements_per_request = r.requests > 0 ? statements / r.requests : 0;
  r.edge_requests = f.edge.requests;
  if (!f.edge.configured) {
    r.edge = "unknown (no Cloudflare analytics token configured)";
  } else if (!f.edge.known) {
    r.edge = "unknown (" + f.edge.error + ")";
    r.plan.push_back({3, "edge-unmeasured", "Cloudflare analytics", f.edge.error,
                      "check CLOUDFLARE_ANALYTICS_TOKEN (Analytics:Read on the zone) and CLOUDFLARE_ZONE_ID"});
  } else if (f.edge.requests <= 0) {
    r.edge = "no API request reached Cloudflare in the window";
  } else {
    r.edge_hit_rate = f.edge.hits / f.edge.requests;
    r.edge = fmt::format("{} of {} API requests answered from Cloudflare's cache ({})", num(f.edge.hits),
                         num(f.edge.requests), pct(*r.edge_hit_rate));
  }
  if (!f.statements_known) {
    r.plan.push_back({3, "statements-unmeasured", "pg_stat_statements",
                      "the extension is not installed or not readable, so slow statements are not reported",
                      "CREATE EXTENSION pg_stat_statements (Neon: enabled per project)"});
  }

  for (const auto& route : f.routes) {
    const std::string name = route.route.method + " " + route.route.pattern;
    if (route.n_plus_one > 0) {
      r.critical.push_back({1, "n-plus-one", name,
                            fmt::format("{} N+1 detections in {} requests ({:.1f} statements per request)",
                                        num(route.n_plus_one), num(route.requests), route.statements_per_request()),
                            "fetch the rows in one statement (JOIN, json_agg or = ANY($1))"});
    }
    if (route.route.is_public && route.user_specific) {
      r.critical.push_back({1, "public-private-route", name,
                            "public (edge-cached) but its answer depends on the caller",
                            "remove its cache plan: Cache-Control: private, no-store"});
    }
    if (route.p99_ms && *route.p99_ms > route.target_ms) {
      r.critical.push_back({2, "over-target", name,
                            fmt::format("p99 {:.1f} ms over its {:.0f} ms aim (p50 {})", *route.p99_ms, route.target_ms,
                                        ms(route.p50_ms)),
                            route.tier == 1 ? "check the cache hit rate of its instance" : "profile the route"});
    }
    if (route.server_errors > 0) {
      r.critical.push_back({1, "server-errors", name, fmt::format("{} 5xx answers", num(route.server_errors)),
                            "read the error log for the route"});
    }
  }
  for (const auto& s : f.slow_statements) {
    if (s.mean_ms >= t.slow_statement_ms) {
      r.critical.push_back({2, "slow-statement", s.query.substr(0, 120),
                            fmt::format("mean {:.1f} ms over {} calls", s.mean_ms, num(s.calls)),
                            "EXPLAIN ANALYZE it; add the index it needs or cache its result"});
    }
  }
  if (f.pool.timeouts > 0) {
    r.critical.push_back({1, "pool-saturation", "database pool",
                          fmt::format("{} acquire timeouts, {} waits in {} acquires (pool of {})", num(f.pool.timeouts),
                                      num(f.pool.waits), num(f.pool.acquires), num(f.pool.size)),
                          "find the routes with the most statements; raise DB_POOL_SIZE only within Neon's limit"});
  } else if (f.pool.acquires > 0 && f.pool.waits / f.pool.acquires > t.pool_wait_share) {
    r.critical.push_back({2, "pool-saturation", "database pool",
                          fmt::format("{} of {} acquires waited (pool of {})", num(f.pool.waits), num(f.pool.acquires),
                                      num(f.pool.size)),
                          "cache or batch the busiest routes' statements"});
  }
  if (f.purge.pending > 0 && f.purge.oldest_seconds > t.purge_backlog_seconds) {
    r.critical.push_back(
        {1, "purge-backlog", "edge purge outbox",
         fmt::format("{} purges pending, the oldest {:.0f} s old", num(f.purge.pending), f.purge.oldest_seconds),
         "check the Cloudflare token and the purge worker's log: the edge is serving stale data"});
  }
  for (const auto& c : r.critical) r.plan.push_back(c);
  std::stable_sort(r.plan.begin(), r.plan.end(),
                   [](const Finding& a, const Finding& b) { return a.priority < b.priority; });
  std::stable_sort(r.critical.begin(), r.critical.end(),
                   [](const Finding& a, const Finding& b) { return a.priority < b.priority; });
  return r;
}

namespace {

json::value optional_number(std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); }

json::array findings_json(const std::vector<Finding>& list) {
  json::array out;
  for (const auto& f : list) {
    out.push_back(json::object{{"priority", "P" + std::to_string(f.priority)},
                               {"kind", f.kind},
                               {"subject", f.subject},
                               {"detail", f.detail},
                               {"action", f.action}});
  }
  return out;
}

}  // namespace

std::string to_json(const AuditReport& r) {
  json::array redundancies, verdicts, routes, config;
  for (const auto& s : r.redundancies) redundancies.emplace_back(s);
  for (const auto& s : r.config_examples) config.emplace_back(s);
  for (const auto& v : r.verdicts) {
    verdicts.push_back(json::object{{"cache", v.cache},
                                    {"verdict", verdict_name(v.verdict)},
                                    {"rule", v.rule},
                                    {"why", v.why},
                                    {"hitRate", v.hit_rate},
                                    {"lookupsPerSecond", v.lookups_per_s},
                                    {"meanLoadMs", optional_number(v.load_ms)},
                                    {"savedDbMsPerSecond", v.saved_db_ms_per_s},
                                    {"invalidationsPerSecond", v.invalidations_per_s},
                                    {"edgeCached", v.edge_cached},
                                    {"edgeHitRate", optional_number(v.edge_hit_rate)}});
  }
  for (const auto& rt : r.routes) {
    routes.push_back(json::object{{"method", rt.route.method},
                                  {"route", rt.route.pattern},
                                  {"tier", rt.tier},
                                  {"requests", rt.requests},
                                  {"statementsPerRequest", rt.statements_per_request()},
                                  {"nPlusOne", rt.n_plus_one},
                                  {"p50Ms", optional_number(rt.p50_ms)},
                                  {"p99Ms", optional_number(rt.p99_ms)},
                                  {"targetMs", rt.target_ms},
                                  {"cache", rt.route.cache}});
  }
  json::object summary{{"windowSeconds", r.window_seconds},
                       {"cacheInstances", r.cache_instances},
                       {"redundancies", std::move(redundancies)},
                       {"requests", r.requests},
                       {"statementsAvoided", r.statements_avoided},
                       {"servedWithoutDatabase", r.served_without_db},
                       {"dbMsSavedPerSecond", r.db_ms_saved_per_s},
                       {"statementsPerRequest", r.statements_per_request},
                       {"edge", r.edge},
                       {"edgeRequests", r.edge_requests},
                       {"edgeHitRate", optional_number(r.edge_hit_rate)}};
  json::object doc{{"executiveSummary", std::move(summary)},
                   {"criticalIssues", findings_json(r.critical)},
                   {"recommendations", json::object{{"caches", std::move(verdicts)}, {"routes", std::move(routes)}}},
                   {"implementationPlan", findings_json(r.plan)},
                   {"configurationExamples", std::move(config)}};
  return json::serialize(doc);
}

std::string to_markdown(const AuditReport& r) {
  std::string md = "# WigHaven backend audit\n\n";
  md += fmt::format("Measured by the server over {:.0f} s.\n\n## Executive summary\n\n", r.window_seconds);
  md += fmt::format("- Cache instances found: {}\n", r.cache_instances);
  md += fmt::format("- Redundancies (in-process cache whose routes the edge caches too): {}\n", r.redundancies.size());
  for (const auto& s : r.redundancies) md += "  - " + s + "\n";
  md += fmt::format("- Requests: {}; database statements avoided (cache hits and coalesced waits): {}\n",
                    num(r.requests), num(r.statements_avoided));
  md += fmt::format("- Requests served without the database: {}\n", pct(r.served_without_db));
  md += fmt::format("- Database time saved by the caches: {:.1f} ms per second; statements per request: {:.2f}\n",
                    r.db_ms_saved_per_s, r.statements_per_request);
  md += "- Edge hit rate: " + r.edge + "\n\n## Critical issues\n\n";
  if (r.critical.empty()) md += "None found.\n";
  for (const auto& f : r.critical) {
    md += fmt::format("- **P{} {}** `{}`: {}. Action: {}.\n", f.priority, f.kind, f.subject, f.detail, f.action);
  }
  md += "\n## Recommendations\n\n### Cache instances\n\n| Cache | Verdict | Rule | Numbers |\n|---|---|---|---|\n";
  for (const auto& v : r.verdicts) {
    md += fmt::format("| {} | {} | {} | {} |\n", v.cache, verdict_name(v.verdict), v.rule, v.why);
  }
  md +=
      "\n### Routes\n\n| Route | Tier | Requests | Statements/request | p50 | p99 | Aim "
      "|\n|---|---|---|---|---|---|---|\n";
  for (const auto& rt : r.routes) {
    md +=
        fmt::format("| {} {} | {} | {} | {:.2f} | {} | {} | {:.0f} ms |\n", rt.route.method, rt.route.pattern, rt.tier,
                    num(rt.requests), rt.statements_per_request(), ms(rt.p50_ms), ms(rt.p99_ms), rt.target_ms);
  }
  md += "\n## Implementation plan\n\n";
  if (r.plan.empty()) md += "Nothing to change.\n";
  for (const auto& f : r.plan) md += fmt::format("- P{}: {} `{}`: {}\n", f.priority, f.kind, f.subject, f.action);
  md += "\n## Configuration examples\n\n```\n";
  for (const auto& c : r.config_examples) md += c + "\n";
  if (r.config_examples.empty()) md += "# no change suggested\n";
  md += "```\n";
  return md;
}

namespace {

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// One horizontal bar per row: value / scale of the width, and a marker line
// at `mark` (the floor or the aim).
std::string bar_chart(const std::vector<std::pair<std::string, double>>& rows, double scale, double mark,
                      const char* unit) {
  const int row_h = 22, label_w = 260, bar_w = 360;
  int h = row_h * static_cast<int>(rows.size()) + 10;
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="12">)",
                                label_w + bar_w + 90, h);
  int y = 5;
  for (const auto& [label, value] : rows) {
    double w = scale > 0 ? std::min(value / scale, 1.0) * bar_w : 0;
    svg += fmt::format(R"(<text x="0" y="{}">{}</text><rect x="{}" y="{}" width="{:.0f}" height="14" fill="{}"/>)",
                       y + 12, html_escape(label.substr(0, 40)), label_w, y, w, value > mark ? "#c0392b" : "#2e86c1");
    svg += fmt::format(R"(<text x="{:.0f}" y="{}">{:.1f}{}</text>)", label_w + w + 4, y + 12, value, unit);
    y += row_h;
  }
  double mx = label_w + std::min(mark / scale, 1.0) * bar_w;
  svg += fmt::format(R"(<line x1="{:.0f}" y1="0" x2="{:.0f}" y2="{}" stroke="#333" stroke-dasharray="4"/></svg>)", mx,
                     mx, h);
  return svg;
}

}  // namespace

std::string to_html(const AuditReport& r) {
  std::vector<std::pair<std::string, double>> hit_rates, latencies;
  for (const auto& v : r.verdicts) {
    hit_rates.emplace_back(v.cache, v.hit_rate * 100);
    if (v.edge_hit_rate) hit_rates.emplace_back(v.cache + " at the edge", *v.edge_hit_rate * 100);
  }
  double worst = 1;
  for (const auto& rt : r.routes) {
    if (!rt.p99_ms) continue;
    // Relative to the aim, so routes of different tiers share one chart.
    latencies.emplace_back(rt.route.method + " " + rt.route.pattern, *rt.p99_ms / rt.target_ms * 100);
    worst = std::max(worst, *rt.p99_ms / rt.target_ms * 100);
  }
  // Hit rates: red below the floor (drawn inverted: the mark is 70%).
  std::string hit_svg;
  {
    std::vector<std::pair<std::string, double>> misses;
    for (const auto& [name, rate] : hit_rates) misses.emplace_back(name + " (miss %)", 100 - rate);
    hit_svg = bar_chart(misses, 100, 30, "%");
  }
  std::string page = R"(<!doctype html><html><head><meta charset="utf-8"><title>WigHaven audit</title>)"
                     R"(<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:)"
                     R"(collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}</style></head><body>)";
  page += "<h1>WigHaven backend audit</h1>";
  page += "<h2>Cache miss rates (red: hit rate under 70%)</h2>" + hit_svg;
  page +=
      "<h2>Route p99 as % of its aim (red: over the aim)</h2>" + bar_chart(latencies, std::max(worst, 150.0), 100, "%");
  // The Markdown report, escaped, as the text of record.
  page += "<h2>Report</h2><pre style=\"white-space:pre-wrap\">" + html_escape(to_markdown(r)) + "</pre></body></html>";
  return page;
}

std::string render_report(const AuditReport& r, std::string_view format) {
  if (format == "md") return to_markdown(r);
  if (format == "html") return to_html(r);
  return to_json(r);
}

}  // namespace wh::audit
