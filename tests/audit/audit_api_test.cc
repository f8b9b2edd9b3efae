// GET /api/admin/audit on a real server after a short load: every section
// of the report is there with figures from this run, in JSON, Markdown and
// HTML, for admins only.
#include <gtest/gtest.h>

#include <string>

#include "audit/fake_cloudflare_analytics.h"
#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using AuditApi = CommerceApi;

TEST_F(AuditApi, AShortLoadGivesEverySectionWithFiguresFromThisRun) {
  for (int i = 0; i < 250; ++i) ASSERT_EQ(call("GET", "/api/products?limit=5").status, 200);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(call("GET", "/api/categories").status, 200);
  ASSERT_EQ(call("GET", "/api/auth/me", nullptr, customer_).status, 200);

  EXPECT_EQ(call("GET", "/api/admin/audit").status, 401);
  EXPECT_EQ(call("GET", "/api/admin/audit", nullptr, customer_).status, 403);
  EXPECT_EQ(call("GET", "/api/admin/audit?format=pdf", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/audit?hitRateFloor=-1", nullptr, admin_).status, 400);

  auto r = call("GET", "/api/admin/audit", nullptr, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  auto doc = r.json().at("data").as_object();
  auto summary = doc.at("executiveSummary").as_object();
  EXPECT_GE(summary.at("cacheInstances").to_number<double>(), 6);
  EXPECT_GE(summary.at("requests").to_number<double>(), 256);
  EXPECT_GE(summary.at("statementsAvoided").to_number<double>(), 200) << "249 of 250 listings were hits";
  EXPECT_GT(summary.at("servedWithoutDatabase").to_number<double>(), 0.5);
  EXPECT_TRUE(doc.at("criticalIssues").is_array());
  EXPECT_TRUE(doc.at("implementationPlan").is_array());
  EXPECT_TRUE(doc.at("configurationExamples").is_array());

  bool listed = false;
  for (const auto& v : doc.at("recommendations").at("caches").as_array()) {
    if (v.at("cache") != "product_lists") continue;
    listed = true;
    EXPECT_GT(v.at("hitRate").to_number<double>(), 0.9);
    EXPECT_TRUE(v.at("meanLoadMs").is_number());
    EXPECT_EQ(v.at("verdict"), "KEEP") << v;
  }
  EXPECT_TRUE(listed);
  bool listing_route = false;
  for (const auto& rt : doc.at("recommendations").at("routes").as_array()) {
    if (rt.at("route") != "/api/products") continue;
    listing_route = true;
    EXPECT_EQ(rt.at("tier"), 1);
    EXPECT_EQ(rt.at("requests").to_number<double>(), 250);
    EXPECT_LT(rt.at("statementsPerRequest").to_number<double>(), 0.1);
    EXPECT_TRUE(rt.at("p99Ms").is_number());
  }
  EXPECT_TRUE(listing_route);

  auto md = call("GET", "/api/admin/audit?format=md", nullptr, admin_);
  ASSERT_EQ(md.status, 200);
  EXPECT_NE(md.header("content-type").find("text/markdown"), std::string::npos);
  for (const char* h : {"## Executive summary", "## Critical issues", "## Recommendations", "## Implementation plan",
                        "## Configuration examples", "| product_lists | KEEP |"}) {
    EXPECT_NE(md.body.find(h), std::string::npos) << h;
  }
  auto html = call("GET", "/api/admin/audit?format=html", nullptr, admin_);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("<svg"), std::string::npos);
}

// With a Cloudflare analytics token the report gives the edge's hit rate;
// when Cloudflare fails, it says so and the rest of the report stands.
TEST(AuditEdge, TheEdgeHitRateComesFromCloudflareAnalyticsOrIsUnknownWithTheReason) {
  FakeCloudflareAnalytics cloudflare;
  auth::AuthServer server;
  server.config.cloudflare_analytics_token = FakeCloudflareAnalytics::kToken;
  server.config.cloudflare_zone_id = FakeCloudflareAnalytics::kZone;
  server.config.cloudflare_api_base_url = cloudflare.base_url();
  auto admin = server.tokens(auth::kAdminEmail, auth::kAdminPassword).first;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(server.get("/api/products?limit=2").status, 200);

  auto r = server.get("/api/admin/audit", auth::bearer(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  auto summary = r.json().at("data").at("executiveSummary").as_object();
  EXPECT_DOUBLE_EQ(summary.at("edgeHitRate").to_number<double>(), 0.625) << summary;
  EXPECT_EQ(summary.at("edgeRequests").to_number<double>(), 160);
  ASSERT_EQ(cloudflare.requests().size(), 1u);
  EXPECT_EQ(cloudflare.requests()[0].header("authorization"), std::string("Bearer ") + FakeCloudflareAnalytics::kToken);

  cloudflare.fail(true);
  auto md = server.get("/api/admin/audit?format=md", auth::bearer(admin));
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_NE(md.body.find("unknown (Cloudflare answered 500"), std::string::npos) << md.body;
  EXPECT_NE(md.body.find("edge-unmeasured"), std::string::npos);
  EXPECT_NE(md.body.find("| product_lists |"), std::string::npos);
}

}  // namespace
}  // namespace wh::test
