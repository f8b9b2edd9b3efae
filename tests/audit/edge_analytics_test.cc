// The edge's hit rate from Cloudflare's GraphQL answer: parsing (answers,
// errors, a missing zone), matching paths to routes as the router does, and
// how the figures reach the report (the redundancy rule, unknown with the
// reason when the call failed).
#include "audit/edge_analytics.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "audit/audit_report.h"

namespace wh::test {
namespace {

namespace json = boost::json;

std::vector<audit::RouteInfo> routes() {
  return {{"GET", "/api/products", true, "product_lists"},
          {"GET", "/api/products/search", true, "product_lists"},
          {"GET", "/api/products/:id", true, "product_detail"},
          {"GET", "/api/auth/me", false, ""}};
}

std::string group(int count, const char* method, const char* path, const char* status) {
  return json::serialize(json::object{
      {"count", count},
      {"dimensions",
       json::object{{"clientRequestHTTPMethodName", method}, {"clientRequestPath", path}, {"cacheStatus", status}}}});
}

std::string answer(const std::vector<std::string>& groups) {
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : ",") + g;
  return R"({"data":{"viewer":{"zones":[{"httpRequestsAdaptiveGroups":[)" + list + "]}]}},\"errors\":null}";
}

TEST(EdgeAnalytics, TheQueryAsksForTheZoneOverTheWindowCappedAtADay) {
  auto until = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours(3);
  auto body = json::parse(audit::edge_query_body("zone-1", until, 3600)).as_object();
  EXPECT_NE(std::string(body.at("query").as_string()).find("httpRequestsAdaptiveGroups"), std::string::npos);
  EXPECT_EQ(body.at("variables").at("zoneTag"), "zone-1");
  EXPECT_EQ(body.at("variables").at("since"), "2026-12-02T02:00:00Z");
  EXPECT_EQ(body.at("variables").at("until"), "2026-12-02T03:00:00Z");
  auto capped = json::parse(audit::edge_query_body("zone-1", until, 7 * 86400)).as_object();
  EXPECT_EQ(capped.at("variables").at("since"), "2026-12-01T03:00:00Z");
}

TEST(EdgeAnalytics, CountsHitsPerMethodAndPath) {
  auto t = audit::parse_edge_traffic(
      answer({group(90, "GET", "/api/products", "hit"), group(10, "GET", "/api/products", "miss"),
              group(5, "GET", "/api/products", "revalidated"), group(7, "GET", "/api/auth/me", "dynamic")}));
  ASSERT_TRUE(t.known) << t.error;
  ASSERT_EQ(t.paths.size(), 2u);
  for (const auto& p : t.paths) {
    if (p.path == "/api/products") {
      EXPECT_EQ(p.requests, 105);
      EXPECT_EQ(p.hits, 95);
    } else {
      EXPECT_EQ(p.requests, 7);
      EXPECT_EQ(p.hits, 0);
    }
  }
}

TEST(EdgeAnalytics, ErrorsAndAnAnswerWithoutTheZoneAreUnknownWithTheReason) {
  auto denied = audit::parse_edge_traffic(R"({"data":null,"errors":[{"message":"not authorized"}]})");
  EXPECT_FALSE(denied.known);
  EXPECT_NE(denied.error.find("not authorized"), std::string::npos);
  auto no_zone = audit::parse_edge_traffic(R"({"data":{"viewer":{"zones":[]}},"errors":null})");
  EXPECT_FALSE(no_zone.known);
  EXPECT_NE(no_zone.error.find("zone"), std::string::npos);
  EXPECT_FALSE(audit::parse_edge_traffic("<html>").known);
}

TEST(EdgeAnalytics, PathsMatchTheMostSpecificRoute) {
  EXPECT_TRUE(audit::path_matches("/api/products/:id", "/api/products/abc"));
  EXPECT_FALSE(audit::path_matches("/api/products/:id", "/api/products/abc/reviews"));
  EXPECT_FALSE(audit::path_matches("/api/products", "/api/product"));

  audit::AuditFacts facts;
  for (const char* name : {"product_lists", "product_detail"}) {
    audit::CacheFacts c;
    c.name = name;
    facts.caches.push_back(c);
  }
  auto t = audit::parse_edge_traffic(
      answer({group(90, "GET", "/api/products/search", "hit"), group(10, "HEAD", "/api/products/search", "miss"),
              group(3, "GET", "/api/products/p1", "hit"), group(1, "GET", "/api/products/p2", "expired"),
              group(4, "POST", "/api/products/p2", "dynamic")}));
  audit::apply_edge_traffic(facts, routes(), t);
  ASSERT_TRUE(facts.caches[0].edge_hit_rate);
  EXPECT_DOUBLE_EQ(*facts.caches[0].edge_hit_rate, 0.9) << "search is not taken for a product id";
  ASSERT_TRUE(facts.caches[1].edge_hit_rate);
  EXPECT_DOUBLE_EQ(*facts.caches[1].edge_hit_rate, 0.75) << "the POST matches no cached GET route";
  EXPECT_EQ(facts.edge.requests, 108);
  EXPECT_EQ(facts.edge.hits, 93);
}

TEST(EdgeAnalytics, TheReportSaysWhatTheEdgeAnswersOrWhyItIsUnknown) {
  audit::AuditFacts facts;
  audit::CacheFacts c;
  c.name = "product_lists";
  c.hits = 5000;
  c.misses = 10;
  c.loads = 10;
  c.load_seconds = 0.001;  // 0.1 ms: saves too little DB time to be kept for that
  c.edge_cached = true;
  c.routes = {"GET /api/products"};
  facts.caches.push_back(c);
  facts.window_seconds = 100;

  auto none = audit::build_report(facts);
  EXPECT_NE(none.edge.find("no Cloudflare analytics token"), std::string::npos) << none.edge;
  EXPECT_FALSE(none.edge_hit_rate);

  auto failed_facts = facts;
  audit::apply_edge_traffic(failed_facts, routes(), {false, "Cloudflare answered 500", {}});
  auto failed = audit::build_report(failed_facts);
  EXPECT_NE(failed.edge.find("Cloudflare answered 500"), std::string::npos) << failed.edge;
  bool reported = false;
  for (const auto& f : failed.plan) reported = reported || (f.kind == "edge-unmeasured" && f.priority == 3);
  EXPECT_TRUE(reported);

  auto measured_facts = facts;
  audit::apply_edge_traffic(measured_facts, routes(),
                            audit::parse_edge_traffic(answer(
                                {group(95, "GET", "/api/products", "hit"), group(5, "GET", "/api/products", "miss")})));
  auto measured = audit::build_report(measured_facts);
  ASSERT_TRUE(measured.edge_hit_rate);
  EXPECT_DOUBLE_EQ(*measured.edge_hit_rate, 0.95);
  EXPECT_NE(measured.edge.find("95 of 100"), std::string::npos) << measured.edge;
  ASSERT_EQ(measured.verdicts.size(), 1u);
  EXPECT_EQ(measured.verdicts[0].rule, "redundant-with-edge") << measured.verdicts[0].why;
  ASSERT_EQ(measured.redundancies.size(), 1u);
  EXPECT_NE(measured.redundancies[0].find("edge hit rate 95.0%"), std::string::npos) << measured.redundancies[0];
}

TEST(AuditThresholds, EveryNameSetsItsField) {
  audit::Thresholds t;
  for (auto name : audit::threshold_names()) EXPECT_TRUE(audit::set_threshold(t, name, 0.5)) << name;
  EXPECT_EQ(t.hit_rate_floor, 0.5);
  EXPECT_EQ(t.pool_wait_share, 0.5);
  EXPECT_FALSE(audit::set_threshold(t, "hitRate", 1));
}

}  // namespace
}  // namespace wh::test
