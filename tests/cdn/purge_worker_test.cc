// The edge purge end to end: the real server (in-process, or the real binary
// as a child process) on a database of its own, a fake Cloudflare API on
// loopback. Purges arrive for an admin write and for direct SQL, with the
// token; a burst coalesces into few calls within the item and rate limits;
// failures (429 with Retry-After, 5xx, an unsuccessful 200, a revoked token,
// an outage) leave rows pending until a success; pending rows survive
// SIGKILL; only the lease holder calls, and another instance takes over.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>

#include <functional>
#include <map>
#include <thread>

#include "accounts/auth_test_support.h"
#include "cdn/fake_cloudflare.h"
#include "support/child_server.h"
#include "support/log_capture.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kTokenA = "cf-token-instance-a";
constexpr const char* kTokenB = "cf-token-instance-b";

bool wait_until(const std::function<bool()>& done, milliseconds within) {
  auto until = Clock::now() + within;
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

long long ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<milliseconds>(b - a).count();
}

class PurgeWorkerTest : public ::testing::Test {
 protected:
  PurgeWorkerTest() {
    // The seed's own writes filled the outbox of the template: start empty.
    q("DELETE FROM wh_purge_outbox");
    server_.config = purge_config(server_.config, kTokenA);
  }

  // Short intervals so that the tests run fast.
  Config purge_config(Config c, const std::string& token) {
    c.cloudflare_purge_mode = "tags";
    c.cloudflare_api_base_url = cf_.base_url();
    c.cloudflare_zone_id = FakeCloudflare::kZone;
    c.cloudflare_api_token = token;
    c.purge_delay = 50ms;
    c.purge_poll = 200ms;
    c.purge_retry = 100ms;
    c.purge_retry_max = 400ms;
    c.worker_lease_ttl = 1000ms;
    c.purge_claim_timeout = 1500ms;
    c.outbound_timeout = 700ms;
    return c;
  }
  // The same as environment variables of a child server.
  std::map<std::string, std::string> purge_env(const std::string& token) {
    return {{"CLOUDFLARE_PURGE_MODE", "tags"},
            {"CLOUDFLARE_API_BASE_URL", cf_.base_url()},
            {"CLOUDFLARE_ZONE_ID", FakeCloudflare::kZone},
            {"CLOUDFLARE_API_TOKEN", token},
            {"CLOUDFLARE_PURGE_DELAY_MS", "50"},
            {"CLOUDFLARE_PURGE_POLL_MS", "200"},
            {"CLOUDFLARE_PURGE_RETRY_MS", "100"},
            {"CLOUDFLARE_PURGE_RETRY_MAX_MS", "400"},
            {"WORKER_LEASE_TTL_MS", "1000"},
            {"CLOUDFLARE_PURGE_CLAIM_TIMEOUT_MS", "1500"},
            {"OUTBOUND_TIMEOUT_MS", "700"}};
  }

  std::string q(const std::string& statement) { return server_.q(statement); }
  long long qn(const std::string& statement) { return server_.qn(statement); }
  long long pending() { return qn("SELECT count(*) FROM wh_purge_outbox WHERE done_at IS NULL"); }
  std::string product(int nth = 0) {
    return q("SELECT id FROM products WHERE is_active ORDER BY id OFFSET " + std::to_string(nth) + " LIMIT 1");
  }
  std::string metrics() { return server_.app().app().state().metrics.registry.render(); }
  void start() { server_.port(); }

  FakeCloudflare cf_{{kTokenA, kTokenB}};
  auth::AuthServer server_;
};

TEST_F(PurgeWorkerTest, AnAdminEditIsPurgedWithTheTokenAndRecordedInTheMetrics) {
  server_.config.purge_delay = Config{}.purge_delay;  // the lag as deployed
  start();
  std::string admin = server_.tokens(auth::kAdminEmail, auth::kAdminPassword).first;
  std::string id = product();
  auto headers = auth::bearer(admin);
  headers.emplace_back("Content-Type", "application/json");
  auto r =
      HttpClient(server_.port()).request("PATCH", "/api/admin/products/" + id, R"({"name":"Purged Wig"})", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  auto t0 = Clock::now();
  ASSERT_TRUE(cf_.wait_purged("product:" + id, 5s));
  std::cout << "purge lag of one admin edit (default gather delay): " << ms_between(t0, Clock::now()) << " ms\n";
  EXPECT_EQ(cf_.purged().count("products"), 1u);
  for (const auto& call : cf_.calls()) {
    EXPECT_EQ(call.token, kTokenA);
    EXPECT_EQ(call.content_type, "application/json");
    EXPECT_EQ(call.kind, "tags");
    EXPECT_LE(call.items.size(), 100u);
  }
  ASSERT_TRUE(wait_until([&] { return pending() == 0; }, 2s));
  ASSERT_TRUE(wait_until([&] { return metrics().find("wh_cdn_purge_outbox_pending 0") != std::string::npos; }, 3s));
  auto text = metrics();
  EXPECT_NE(text.find("wh_cdn_purge_api_calls_total{result=\"success\"} "), std::string::npos) << text;
  EXPECT_NE(text.find("wh_cdn_purge_lease_held 1"), std::string::npos);
  EXPECT_EQ(text.find("wh_cdn_purge_lag_seconds_count 0"), std::string::npos) << "lag observed";
}

TEST_F(PurgeWorkerTest, DirectSqlChangesArePurgedAndRolledBackOnesAreNot) {
  start();
  std::string p = product(), cat = q("SELECT id FROM categories ORDER BY id LIMIT 1");
  q("BEGIN; UPDATE products SET name = name || ' x' WHERE id = '" + p + "'; ROLLBACK");
  EXPECT_EQ(qn("SELECT count(*) FROM wh_purge_outbox"), 0) << "the outbox row is part of the change's transaction";
  q("UPDATE promotional_banners SET priority = priority");
  q("UPDATE system_settings SET value = value");
  q("UPDATE currency_rates SET rate = rate");
  q("UPDATE categories SET name = name WHERE id = '" + cat + "'");
  q("UPDATE variants SET stock = stock + 1 WHERE product_id = '" + p + "'");
  const std::vector<std::string> tags{"banners",    "settings",        "currency",
                                      "categories", "category:" + cat, "product:" + p};
  for (const auto& tag : tags) {
    EXPECT_TRUE(cf_.wait_purged(tag, 5s)) << tag;
  }
  EXPECT_TRUE(wait_until([&] { return pending() == 0; }, 2s));
}

TEST_F(PurgeWorkerTest, FailuresKeepRowsPendingUntilASuccessAndRetryAfterIsHonoured) {
  cf_.outage(FakeReply::json(R"({"success":false,"errors":[{"code":1,"message":"internal"}]})", 500));
  server_.config.purge_rate_per_min = 600;  // the 429 empties the bucket: refill in 100 ms
  start();
  q("UPDATE promotional_banners SET priority = priority");
  ASSERT_TRUE(wait_until([&] { return cf_.calls().size() >= 3; }, 5s)) << "retried with backoff";
  EXPECT_EQ(pending(), 1) << "not done while Cloudflare fails";
  EXPECT_NE(q("SELECT last_error FROM wh_purge_outbox").find("HTTP 500"), std::string::npos);

  std::size_t before = cf_.calls().size();
  cf_.script({FakeCloudflare::rate_limited(1), FakeReply::json(R"({"success":false,"errors":[]})")});
  cf_.outage(std::nullopt);
  ASSERT_TRUE(cf_.wait_purged("banners", 6s));
  auto calls = cf_.calls();
  ASSERT_GE(calls.size(), before + 3);
  // The scripted answers may follow one more 500 sent before the switch.
  std::size_t k = before;
  while (k < calls.size() && calls[k].status != 429) ++k;
  ASSERT_LT(k + 2, calls.size());
  EXPECT_GE(ms_between(calls[k].at, calls[k + 1].at), 950) << "Retry-After: 1 is honoured";
  EXPECT_EQ(calls[k + 1].status, 200);
  EXPECT_FALSE(calls[k + 1].ok);
  EXPECT_TRUE(calls[k + 2].ok) << "an unsuccessful 200 is retried";
  EXPECT_TRUE(wait_until([&] { return pending() == 0; }, 2s));
  EXPECT_GE(qn("SELECT attempts FROM wh_purge_outbox"), 4);
}

TEST_F(PurgeWorkerTest, ARevokedTokenKeepsRowsPendingUntilTheServerRestartsWithAValidOne) {
  server_.config.cloudflare_api_token = "revoked-token";
  start();
  q("UPDATE promotional_banners SET priority = priority");
  ASSERT_TRUE(wait_until([&] { return qn("SELECT attempts FROM wh_purge_outbox") >= 1; }, 5s));
  EXPECT_EQ(cf_.calls().at(0).status, 403);
  EXPECT_NE(q("SELECT last_error FROM wh_purge_outbox").find("Authentication error"), std::string::npos);
  EXPECT_EQ(pending(), 1);
  server_.stop();
  server_.config.cloudflare_api_token = kTokenA;
  start();
  EXPECT_TRUE(cf_.wait_purged("banners", 5s));
  EXPECT_TRUE(wait_until([&] { return pending() == 0; }, 2s));
}

// "burst0001" ... "burst0500": the products the burst test adds.
std::string burst_id(int i) {
  std::string n = std::to_string(i);
  return "burst" + std::string(4 - n.size(), '0') + n;
}

// 500 single-row edits, each its own transaction, with the Free plan's
// limits and the default gather delay.
TEST_F(PurgeWorkerTest, ABurstOf500EditsEndsInAFewCallsOfAtMost100Tags) {
  q("INSERT INTO products (id, name, description, base_price, category_id, images, is_active, is_featured,"
    " created_at, updated_at) SELECT 'burst' || lpad(g::text, 4, '0'), name, description, base_price, category_id,"
    " images, is_active, is_featured, created_at, updated_at FROM (SELECT * FROM products LIMIT 1) AS p,"
    " generate_series(1, 500) AS g");
  q("DELETE FROM wh_purge_outbox");
  server_.config.purge_delay = Config{}.purge_delay;
  start();
  PGconn* c = PQconnectdb(db_url(server_.db_name()).c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  auto t0 = Clock::now();
  for (int i = 1; i <= 500; ++i) {
    std::string sql = "UPDATE products SET base_price = base_price + 1 WHERE id = '" + burst_id(i) + "'";
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
  }
  auto t1 = Clock::now();
  PQfinish(c);
  ASSERT_EQ(qn("SELECT count(*) FROM wh_purge_outbox"), 500);
  ASSERT_TRUE(wait_until([&] { return pending() == 0; }, 15s)) << pending() << " rows pending";
  auto t2 = Clock::now();
  auto calls = cf_.calls();
  auto purged = cf_.purged();
  for (int i = 1; i <= 500; ++i) {
    EXPECT_EQ(purged.count("product:" + burst_id(i)), 1u) << i;
  }
  for (const auto& call : calls) EXPECT_LE(call.items.size(), 100u);
  EXPECT_GE(calls.size(), 6u);  // 501 distinct tags
  EXPECT_LE(calls.size(), 8u);
  EXPECT_LE(calls.size(), static_cast<std::size_t>(server_.config.purge_burst)) << "within the Free plan's bucket";
  std::cout << "burst of 500 edits: written in " << ms_between(t0, t1) << " ms, " << calls.size()
            << " API calls, all purged " << ms_between(t1, t2) << " ms after the last edit; purge lag per row: "
            << q("SELECT round(avg(extract(epoch FROM done_at - created_at))::numeric, 3) || ' s avg, ' ||"
                 " round(max(extract(epoch FROM done_at - created_at))::numeric, 3) || ' s max' FROM wh_purge_outbox")
            << "\n";
}

// One statement changing 35 products: 36 tags, 10 a call.
void edit_35_products(auth::AuthServer& s) {
  s.q("UPDATE products SET base_price = base_price + 1 WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 35)");
}

TEST_F(PurgeWorkerTest, CallsBeyondTheBurstWaitForTheRate) {
  server_.config.purge_burst = 2;
  server_.config.purge_rate_per_min = 60;
  server_.config.purge_max_items = 10;
  server_.config.purge_collapse = false;
  start();
  edit_35_products(server_);
  ASSERT_TRUE(wait_until([&] { return pending() == 0; }, 8s));
  auto calls = cf_.calls();
  ASSERT_EQ(calls.size(), 4u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_LE(calls[i].items.size(), 10u);
    // Two at once, then one a second.
    if (i >= 2) {
      EXPECT_GE(ms_between(calls[0].at, calls[i].at), static_cast<long long>(i - 1) * 1000 - 50) << i;
    }
  }
  EXPECT_EQ(cf_.purged().size(), 36u);
}

TEST_F(PurgeWorkerTest, ShortOfCallsTheWholeCatalogIsPurgedInOne) {
  server_.config.purge_burst = 1;
  server_.config.purge_rate_per_min = 1;
  server_.config.purge_max_items = 10;
  start();
  edit_35_products(server_);
  ASSERT_TRUE(wait_until([&] { return pending() == 0; }, 5s));
  auto calls = cf_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].items, (std::vector<std::string>{"catalog"}));
}

TEST_F(PurgeWorkerTest, WithoutCredentialsPurgesAreLoggedAndDoneRowsPruned) {
  server_.config.cloudflare_api_token.clear();
  server_.config.purge_retention = std::chrono::seconds(1);
  StdoutCapture log;
  start();
  q("UPDATE promotional_banners SET priority = priority");
  ASSERT_TRUE(wait_until([&] { return pending() == 0; }, 5s));
  EXPECT_TRUE(wait_until([&] { return qn("SELECT count(*) FROM wh_purge_outbox") == 0; }, 5s)) << "pruned";
  server_.stop();
  log.restore();
  EXPECT_TRUE(cf_.calls().empty());
  EXPECT_NE(log.text().find("would purge"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("banners"), std::string::npos);
}

TEST_F(PurgeWorkerTest, OnlyTheLeaseHolderCallsAndACleanStopHandsOverAtOnce) {
  server_.config.worker_lease_ttl = 10s;  // a handover faster than this is the release's doing
  start();
  ASSERT_TRUE(wait_until(
      [&] { return qn("SELECT count(*) FROM wh_leases WHERE name = 'cdn-purge' AND expires_at > now()") == 1; }, 3s));
  auto second_config = purge_config(server_.config, kTokenB);
  second_config.worker_lease_ttl = 10s;
  RunningApp second(second_config);
  for (int i = 0; i < 3; ++i) {
    q("UPDATE products SET name = name WHERE id = '" + product(i) + "'");
    ASSERT_TRUE(cf_.wait_purged("product:" + product(i), 5s));
  }
  for (const auto& call : cf_.calls()) EXPECT_EQ(call.token, kTokenA) << "only the holder calls";
  EXPECT_NE(second.app().state().metrics.registry.render().find("wh_cdn_purge_lease_held 0"), std::string::npos);

  auto t0 = Clock::now();
  server_.stop();  // releases the lease
  q("UPDATE products SET name = name WHERE id = '" + product(5) + "'");
  ASSERT_TRUE(cf_.wait_purged("product:" + product(5), 5s));
  EXPECT_LT(ms_between(t0, Clock::now()), 5000) << "taken over well before the 10 s lease expired";
  EXPECT_EQ(cf_.calls().back().token, kTokenB);
}

TEST_F(PurgeWorkerTest, PendingRowsSurviveSigkillAndAreSentByTheNextInstanceAfterTheLeaseExpires) {
  cf_.outage(FakeReply::json(R"({"success":false,"errors":[{"code":1,"message":"outage"}]})", 503));
  ChildServer child(server_.db_name(), purge_env(kTokenA));
  q("UPDATE promotional_banners SET priority = priority");
  ASSERT_TRUE(wait_until([&] { return !cf_.calls().empty(); }, 5s)) << child.log();
  child.kill(SIGKILL);
  EXPECT_EQ(pending(), 1) << "the row survived";
  std::string dead_owner = q("SELECT owner FROM wh_leases WHERE name = 'cdn-purge'");
  cf_.outage(std::nullopt);
  start();
  EXPECT_TRUE(cf_.wait_purged("banners", 6s));
  EXPECT_TRUE(wait_until([&] { return pending() == 0; }, 2s));
  EXPECT_NE(q("SELECT owner FROM wh_leases WHERE name = 'cdn-purge'"), dead_owner) << "taken over";
}

TEST_F(PurgeWorkerTest, UrlModePurgesThePublicUrlsOfTheChangedRows) {
  server_.config.cloudflare_purge_mode = "urls";
  server_.config.cloudflare_public_base_url = "https://shop.example";
  start();
  std::string p = product();
  q("UPDATE products SET name = name WHERE id = '" + p + "'");
  q("UPDATE promotional_banners SET priority = priority");
  ASSERT_TRUE(cf_.wait_purged("https://shop.example/api/products/" + p, 5s));
  ASSERT_TRUE(cf_.wait_purged("https://shop.example/api/banners", 5s));
  for (const auto& call : cf_.calls()) EXPECT_EQ(call.kind, "files");
  for (const auto& url : cf_.purged()) {
    std::string path = url.substr(std::string("https://shop.example").size());
    EXPECT_EQ(server_.get(path).status, 200) << "a public route: " << path;
  }
}

}  // namespace
}  // namespace wh::test
