// The audit from known metrics: each verdict rule with the numbers behind
// it, the findings (N+1, a public header on a private route, a cache under
// 70%, pool saturation, a purge backlog, a slow statement), the summary and
// the three renderings.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "audit/audit_report.h"

namespace wh::test {
namespace {

using audit::Verdict;

// A scrape as GET /metrics writes it, over 100 s.
constexpr const char* kScrape = R"(# HELP wh_cache_hits_total Lookups answered by a fresh entry.
# TYPE wh_cache_hits_total counter
wh_cache_hits_total{cache="hot_cheap"} 100000
wh_cache_hits_total{cache="cold_expensive"} 900
wh_cache_hits_total{cache="leaky"} 400
wh_cache_hits_total{cache="churning"} 300
wh_cache_hits_total{cache="idle"} 3
wh_cache_misses_total{cache="hot_cheap"} 100
wh_cache_misses_total{cache="cold_expensive"} 100
wh_cache_misses_total{cache="leaky"} 600
wh_cache_misses_total{cache="churning"} 700
wh_cache_misses_total{cache="idle"} 1
wh_cache_coalesced_total{cache="hot_cheap"} 50
wh_cache_invalidations_total{cache="hot_cheap"} 10
wh_cache_invalidations_total{cache="cold_expensive"} 1
wh_cache_invalidations_total{cache="leaky"} 20
wh_cache_invalidations_total{cache="churning"} 700
# TYPE wh_cache_load_duration_seconds histogram
wh_cache_load_duration_seconds_sum{cache="hot_cheap"} 0.3
wh_cache_load_duration_seconds_count{cache="hot_cheap"} 100
wh_cache_load_duration_seconds_sum{cache="cold_expensive"} 12
wh_cache_load_duration_seconds_count{cache="cold_expensive"} 100
wh_cache_load_duration_seconds_sum{cache="leaky"} 1.2
wh_cache_load_duration_seconds_count{cache="leaky"} 600
wh_cache_load_duration_seconds_sum{cache="churning"} 1.4
wh_cache_load_duration_seconds_count{cache="churning"} 700
wh_http_requests_total{method="GET",route="/api/products",status="200"} 100150
wh_http_requests_total{method="GET",route="/api/orders",status="200"} 50
wh_http_requests_total{method="GET",route="/api/cart",status="200"} 40
wh_http_requests_total{method="GET",route="/api/cart",status="500"} 2
wh_http_db_statements_total{route="/api/products"} 100
wh_http_db_statements_total{route="/api/orders"} 1100
wh_http_n_plus_one_total{route="/api/orders"} 50
wh_http_request_duration_seconds_bucket{method="GET",route="/api/products",le="0.001"} 90000
wh_http_request_duration_seconds_bucket{method="GET",route="/api/products",le="0.01"} 100000
wh_http_request_duration_seconds_bucket{method="GET",route="/api/products",le="0.1"} 100150
wh_http_request_duration_seconds_bucket{method="GET",route="/api/products",le="+Inf"} 100150
wh_http_request_duration_seconds_bucket{method="GET",route="/api/orders",le="0.1"} 10
wh_http_request_duration_seconds_bucket{method="GET",route="/api/orders",le="1"} 50
wh_http_request_duration_seconds_bucket{method="GET",route="/api/orders",le="+Inf"} 50
wh_db_pool_size 10
wh_db_pool_acquires_total 2000
wh_db_pool_waits_total 900
wh_db_pool_timeouts_total 3
wh_cdn_purge_outbox_pending 4
wh_cdn_purge_outbox_oldest_seconds 900
)";

std::vector<audit::RouteInfo> route_table() {
  return {{"GET", "/api/products", true, "hot_cheap"},
          {"GET", "/api/orders", false, ""},
          {"GET", "/api/cart", true, "leaky"},  // a caller's cart served as public: the bug to find
          {"GET", "/api/categories", true, "cold_expensive"},
          {"GET", "/api/banners", true, "churning"},
          {"GET", "/api/currency/rates", true, "idle"}};
}

audit::AuditReport report(audit::Thresholds t = {}) {
  auto samples = audit::MetricSamples::parse(kScrape);
  auto facts = audit::facts_from_metrics(samples, route_table(), 100);
  facts.slow_statements.push_back({"SELECT * FROM orders WHERE customer_email = $1", 40, 180});
  facts.slow_statements.push_back({"SELECT 1", 1000, 0.1});
  return audit::build_report(facts, t);
}

const audit::CacheVerdict& verdict_of(const audit::AuditReport& r, const std::string& cache) {
  for (const auto& v : r.verdicts) {
    if (v.cache == cache) return v;
  }
  throw std::runtime_error("no verdict for " + cache);
}

bool has_finding(const audit::AuditReport& r, const std::string& kind, const std::string& subject) {
  for (const auto& f : r.critical) {
    if (f.kind == kind && f.subject == subject) return true;
  }
  return false;
}

TEST(MetricSamples, ParsesLabelsAndInterpolatesQuantiles) {
  auto m = audit::MetricSamples::parse(kScrape);
  EXPECT_EQ(m.skipped(), 0U);
  EXPECT_EQ(m.sum("wh_cache_hits_total", {{"cache", "leaky"}}), 400);
  EXPECT_EQ(m.sum("wh_http_requests_total", {{"route", "/api/cart"}}), 42);
  auto p50 = m.quantile("wh_http_request_duration_seconds", 0.5, {{"route", "/api/products"}});
  ASSERT_TRUE(p50);
  EXPECT_NEAR(*p50, 0.001 * 50075.0 / 90000.0, 1e-6);
  auto p99 = m.quantile("wh_http_request_duration_seconds", 0.99, {{"route", "/api/orders"}});
  ASSERT_TRUE(p99);
  EXPECT_NEAR(*p99, 0.1 + 0.9 * (49.5 - 10) / 40, 1e-6);
  EXPECT_FALSE(m.quantile("wh_http_request_duration_seconds", 0.5, {{"route", "/nope"}}));
  EXPECT_EQ(audit::MetricSamples::parse("garbage line\nok_metric 1\n").skipped(), 1U);
}

TEST(AuditVerdicts, ACheapButHotCacheIsKeptForTheDatabaseTimeItSaves) {
  // 3 ms loads, 1000.5 answers a second: about 3 s of DB time a second saved.
  auto v_report = report();
  const auto& v = verdict_of(v_report, "hot_cheap");
  EXPECT_EQ(v.verdict, Verdict::keep);
  EXPECT_EQ(v.rule, "saves-database");
  EXPECT_NEAR(*v.load_ms, 3.0, 1e-9);
  EXPECT_NEAR(v.saved_db_ms_per_s, (100000 + 50) / 100.0 * 3, 1e-6);
  EXPECT_NE(v.why.find("3.0 ms"), std::string::npos) << v.why;
}

TEST(AuditVerdicts, AnExpensiveRarelyChangingCacheIsKept) {
  auto v_report = report();
  const auto& v = verdict_of(v_report, "cold_expensive");
  // 9 answers a second x 120 ms = 1080 ms/s saved: the database rule fires first.
  EXPECT_EQ(v.verdict, Verdict::keep);
  EXPECT_EQ(v.rule, "saves-database");
  audit::Thresholds strict;
  strict.keep_db_ms_per_s = 5000;  // with a higher bar the load cost decides
  auto again_report = report(strict);
  const auto& again = verdict_of(again_report, "cold_expensive");
  EXPECT_EQ(again.verdict, Verdict::keep);
  EXPECT_EQ(again.rule, "expensive-load");
}

TEST(AuditVerdicts, AFortyPercentHitRateIsRefactoredAndReported) {
  auto r = report();
  const auto& v = verdict_of(r, "leaky");
  EXPECT_NEAR(v.hit_rate, 0.4, 1e-9);
  EXPECT_EQ(v.verdict, Verdict::refactor);
  EXPECT_EQ(v.rule, "low-hit-rate");
  EXPECT_TRUE(has_finding(r, "cache-hit-rate", "leaky"));
}

TEST(AuditVerdicts, DataThatChangesFasterThanItIsReadIsRemoved) {
  auto v_report = report();
  const auto& v = verdict_of(v_report, "churning");
  EXPECT_EQ(v.verdict, Verdict::remove);
  EXPECT_EQ(v.rule, "constant-churn");
}

TEST(AuditVerdicts, TooLittleTrafficIsNotJudgedAndNoInvalidationPathComesFirst) {
  auto r = report();
  EXPECT_EQ(verdict_of(r, "idle").rule, "too-little-traffic");
  audit::CacheFacts c;
  c.name = "unsafe";
  c.hits = 1e6;
  c.invalidation_path = false;
  auto v = audit::judge_cache(c, 100, {});
  EXPECT_EQ(v.verdict, Verdict::refactor);
  EXPECT_EQ(v.rule, "no-invalidation");
  c.invalidation_path = true;
  EXPECT_EQ(audit::judge_cache(c, 100, {}).rule, "unmeasured");
  c.loads = 1000;
  c.load_seconds = 1;  // 1 ms loads, yet 10,000 answers a second: 10 s/s saved
  EXPECT_EQ(audit::judge_cache(c, 100, {}).rule, "saves-database");
  c.hits = 500;
  c.edge_cached = true;
  c.edge_hit_rate = 0.97;
  EXPECT_EQ(audit::judge_cache(c, 100, {}).rule, "redundant-with-edge");
  c.edge_hit_rate.reset();
  EXPECT_EQ(audit::judge_cache(c, 100, {}).rule, "cheap-load");
}

TEST(AuditFindings, NPlusOnePrivateRouteWithPublicHeadersPoolAndPurge) {
  auto r = report();
  EXPECT_TRUE(has_finding(r, "n-plus-one", "GET /api/orders"));
  EXPECT_TRUE(has_finding(r, "public-private-route", "GET /api/cart"));
  EXPECT_FALSE(has_finding(r, "public-private-route", "GET /api/products"));
  EXPECT_TRUE(has_finding(r, "over-target", "GET /api/orders"));
  EXPECT_FALSE(has_finding(r, "over-target", "GET /api/products"));
  EXPECT_TRUE(has_finding(r, "server-errors", "GET /api/cart"));
  EXPECT_TRUE(has_finding(r, "pool-saturation", "database pool"));
  EXPECT_TRUE(has_finding(r, "purge-backlog", "edge purge outbox"));
  EXPECT_TRUE(has_finding(r, "slow-statement", "SELECT * FROM orders WHERE customer_email = $1"));
  EXPECT_FALSE(has_finding(r, "slow-statement", "SELECT 1"));
  // P1 first in the plan.
  ASSERT_FALSE(r.plan.empty());
  EXPECT_EQ(r.plan.front().priority, 1);
  for (std::size_t i = 1; i < r.plan.size(); ++i) EXPECT_LE(r.plan[i - 1].priority, r.plan[i].priority);
  // Route tiers and statements.
  for (const auto& rt : r.routes) {
    if (rt.route.pattern == "/api/orders") {
      EXPECT_EQ(rt.tier, 3);
      EXPECT_NEAR(rt.statements_per_request(), 22, 1e-9);
    }
    if (rt.route.pattern == "/api/products") {
      EXPECT_EQ(rt.tier, 1);
    }
  }
}

TEST(AuditReport, SummaryAndEveryRendering) {
  auto r = report();
  EXPECT_EQ(r.cache_instances, 5);
  EXPECT_EQ(r.redundancies.size(), 5U);  // every cached route is public at the edge
  EXPECT_GT(r.statements_avoided, 100000);
  EXPECT_GT(r.served_without_db, 0.9);
  EXPECT_EQ(r.edge, "unknown (no Cloudflare analytics token configured)");
  auto doc = boost::json::parse(audit::to_json(r)).as_object();
  for (const char* k :
       {"executiveSummary", "criticalIssues", "recommendations", "implementationPlan", "configurationExamples"}) {
    EXPECT_TRUE(doc.contains(k)) << k;
  }
  auto md = audit::to_markdown(r);
  std::size_t at = 0;
  for (const char* h : {"## Executive summary", "## Critical issues", "## Recommendations", "## Implementation plan",
                        "## Configuration examples"}) {
    auto p = md.find(h);
    ASSERT_NE(p, std::string::npos) << h;
    EXPECT_GT(p, at) << "sections in the seed's order: " << h;
    at = p;
  }
  EXPECT_NE(md.find("| churning | REMOVE | constant-churn |"), std::string::npos);
  EXPECT_NE(md.find("CACHE_CHURNING_TTL_MS=0"), std::string::npos);
  auto html = audit::to_html(r);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("leaky (miss %)"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace wh::test
