// GET /metrics and the admin cache-stats route on the real server: values
// after a few requests and cache lookups, the format as promtool sees it,
// access through a proxy, and cache-stats' shape and roles.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "accounts/auth_test_support.h"
#include "cache/instances.h"
#include "cache/registry.h"
#include "db/pool.h"

namespace wh::test::auth {
namespace {
namespace asio = boost::asio;

constexpr const char* kToken = "metrics-token-0123456789";

// The value of the sample `series` (exact text before the value), or -1.
double sample(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + 1 + series.size() + 1));
}

// `n` lookups of one key on the named instance, as a handler would make them.
void lookups(RunningApp& app, std::string_view instance, int n) {
  auto* cache = app.app().services().get<cache::Registry>().find(instance);
  ASSERT_NE(cache, nullptr);
  for (int i = 0; i < n; ++i) {
    asio::io_context io;
    auto load = []() -> Task<cache::Entry> {
      cache::Entry e;
      e.body = R"({"success":true})";
      co_return e;
    };
    auto fut = asio::co_spawn(io, cache->get("metrics-test-key", load), asio::use_future);
    io.run();
    fut.get();
  }
}

std::string scrape(AuthServer& s) {
  auto r = s.get("/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  return r.body;
}

TEST(MetricsApiTest, ARoutesCountAndLatencyAfterRequests) {
  AuthServer s;
  const std::string id = s.q("SELECT id FROM products WHERE is_active ORDER BY id LIMIT 1");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.get("/api/products/" + id).status, 200);
  EXPECT_EQ(s.get("/api/no-such-thing").status, 404);
  const std::string text = scrape(s);

  const std::string route = R"(method="GET",route="/api/products/:id")";
  EXPECT_EQ(sample(text, "wh_http_requests_total{" + route + R"(,status="200"})"), 3) << text;
  EXPECT_EQ(sample(text, "wh_http_request_duration_seconds_count{" + route + "}"), 3);
  EXPECT_EQ(sample(text, "wh_http_request_duration_seconds_bucket{" + route + R"(,le="+Inf"})"), 3);
  EXPECT_GT(sample(text, "wh_http_request_duration_seconds_sum{" + route + "}"), 0);
  // The first read loads (statements), the next two are response cache hits.
  EXPECT_GE(sample(text, R"(wh_http_db_statements_total{route="/api/products/:id"})"), 1);
  EXPECT_EQ(sample(text, R"(wh_cache_misses_total{cache="product_detail"})"), 1);
  EXPECT_EQ(sample(text, R"(wh_cache_hits_total{cache="product_detail"})"), 2);
  EXPECT_EQ(sample(text, R"(wh_http_requests_total{method="GET",route="unmatched",status="404"})"), 1);
  EXPECT_EQ(text.find(id), std::string::npos) << "the product id is not a label";
  // The pool: its size and what the requests above used.
  EXPECT_EQ(sample(text, "wh_db_pool_size"), s.config.db_pool_size);
  EXPECT_GE(sample(text, "wh_db_pool_acquires_total"), 1);
  EXPECT_GE(sample(text, "wh_db_pool_connects_total"), 1);
  EXPECT_EQ(sample(text, "wh_db_pool_wait_seconds_count"), sample(text, "wh_db_pool_acquires_total"));
  EXPECT_EQ(sample(text, "wh_db_pool_waiters"), 0);
}

TEST(MetricsApiTest, ACacheInstancesHitsMissesAndLoadTimes) {
  AuthServer s;
  lookups(s.app(), cache::instance::kProductLists, 3);
  const std::string text = scrape(s);
  const std::string lists = R"({cache="product_lists"})";
  EXPECT_EQ(sample(text, "wh_cache_misses_total" + lists), 1) << text;
  EXPECT_EQ(sample(text, "wh_cache_hits_total" + lists), 2);
  EXPECT_EQ(sample(text, "wh_cache_entries" + lists), 1);
  EXPECT_GT(sample(text, "wh_cache_bytes" + lists), 0);
  EXPECT_EQ(sample(text, "wh_cache_load_duration_seconds_count" + lists), 1);
  EXPECT_EQ(sample(text, R"(wh_cache_load_duration_seconds_bucket{cache="product_lists",le="+Inf"})"), 1);
  EXPECT_EQ(sample(text, R"(wh_cache_hits_total{cache="banners"})"), 0) << "every instance is listed";
}

TEST(MetricsApiTest, TheOutputPassesPromtoolCheckMetrics) {
  const char* env = std::getenv("WH_PROMTOOL");
  std::string promtool = env != nullptr ? env : "";
  if (promtool.empty() && std::system("command -v promtool >/dev/null 2>&1") == 0) promtool = "promtool";
  if (promtool.empty()) GTEST_SKIP() << "promtool not available (test.sh provides it)";

  AuthServer s;
  lookups(s.app(), cache::instance::kCategories, 2);
  s.get("/api/products?limit=2");
  s.get("/api/nope");
  const std::string text = scrape(s);
  char path[] = "/tmp/wh_metrics_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << text;
  FILE* p = popen((promtool + " check metrics < " + path + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string report;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) report += buf;
  int rc = pclose(p);
  std::remove(path);
  EXPECT_EQ(rc, 0) << "promtool: " << report << "\n--- /metrics ---\n" << text;
  EXPECT_EQ(report, "") << "promtool: " << report;
}

TEST(MetricsApiTest, AClientBehindATrustedProxyNeedsTheToken) {
  AuthServer s;
  s.config.trusted_proxies = "127.0.0.1/32";
  s.config.metrics_token = kToken;
  Headers forwarded{{"X-Forwarded-For", "203.0.113.9"}};
  auto refused = s.get("/metrics", forwarded);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(error_type(refused), "UnauthorizedError");
  forwarded.emplace_back("Authorization", std::string("Bearer ") + kToken);
  auto allowed = s.get("/metrics", forwarded);
  EXPECT_EQ(allowed.status, 200);
  EXPECT_NE(allowed.body.find("# TYPE wh_cache_hits_total counter"), std::string::npos);
}

TEST(MetricsApiTest, CacheStatsKeepsTheOldFieldsAsTotalsPlusEachInstance) {
  AuthServer s;
  lookups(s.app(), cache::instance::kProductLists, 3);  // 1 miss, 2 hits
  lookups(s.app(), cache::instance::kBanners, 1);       // 1 miss
  auto [admin, refresh] = s.tokens(kAdminEmail, kAdminPassword);
  auto r = s.get("/api/admin/dashboard/cache-stats", bearer(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  auto data = r.json().at("data").as_object();
  EXPECT_EQ(data.at("hits").to_number<int>(), 2);
  EXPECT_EQ(data.at("misses").to_number<int>(), 2);
  EXPECT_EQ(data.at("deduped").to_number<int>(), 0);
  EXPECT_EQ(data.at("staleHits").to_number<int>(), 0);
  EXPECT_EQ(data.at("invalidations").to_number<int>(), 0);
  EXPECT_EQ(data.at("size").to_number<int>(), 2);
  EXPECT_EQ(data.at("keys").to_number<int>(), 2);
  EXPECT_GT(data.at("calculatedSize").to_number<int>(), 0);
  EXPECT_EQ(str(data.at("hitRate")), "50.0%");
  EXPECT_TRUE(data.at("description").is_string());

  const auto& registry = s.app().app().services().get<cache::Registry>();
  const auto& instances = data.at("instances").as_array();
  ASSERT_EQ(instances.size(), registry.instances().size());
  const boost::json::object* lists = nullptr;
  for (const auto& i : instances) {
    if (i.at("name") == "product_lists") lists = &i.as_object();
    EXPECT_TRUE(std::regex_match(str(i.at("hitRate")), std::regex(R"(\d{1,3}\.\d%|0%)"))) << i;
  }
  ASSERT_NE(lists, nullptr);
  EXPECT_EQ(lists->at("hits").to_number<int>(), 2);
  EXPECT_EQ(lists->at("misses").to_number<int>(), 1);
  EXPECT_EQ(str(lists->at("hitRate")), "66.7%");
  EXPECT_EQ(lists->at("size").to_number<int>(), 1);
  EXPECT_EQ(lists->at("loadTime").at("count").to_number<int>(), 1);
  EXPECT_EQ(lists->at("ttlMs").to_number<long long>(),
            registry.find(cache::instance::kProductLists)->policy().ttl.count());
  for (auto key : {"staleIfError", "loadFailures", "evictions", "maxSize", "calculatedSize"}) {
    EXPECT_TRUE(lists->contains(key)) << key;
  }
}

TEST(MetricsApiTest, CacheStatsIsForAdminsOnly) {
  AuthServer s;
  EXPECT_EQ(s.get("/api/admin/dashboard/cache-stats").status, 401);
  auto [customer, r1] = s.tokens(s.verified_customer(), kCustomerPassword);
  EXPECT_EQ(s.get("/api/admin/dashboard/cache-stats", bearer(customer)).status, 403);
  auto [super_admin, r2] = s.tokens(kSuperEmail, kAdminPassword);
  EXPECT_EQ(s.get("/api/admin/dashboard/cache-stats", bearer(super_admin)).status, 200);
}

}  // namespace
}  // namespace wh::test::auth
