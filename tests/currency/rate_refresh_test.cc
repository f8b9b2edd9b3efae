// The currency-rate refresher against a fake provider on loopback, with the
// real server on a database of its own: new rates reach the public route,
// a failing provider never costs the stored rates, and no request waits on
// the provider.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

#include "currency/rate_refresher.h"
#include "db/pool.h"
#include "support/fake_http_server.h"
#include "support/http_client.h"
#include "support/log_capture.h"
#include "support/test_env.h"

namespace wh::test {
namespace {
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kGoodAnswer =
    R"({"result":"success","base_code":"GHS","rates":{"GHS":1,"USD":0.0912,"EUR":0.0805,"GBP":0.0699,"NGN":131.25,"JPY":13.7}})";

class RateRefreshTest : public ::testing::Test {
 protected:
  // Stored rates as "CUR=rate@last_updated,...": any change shows.
  std::string stored() {
    return sql(db_.name(),
               "SELECT string_agg(currency || '=' || rate || '@' || last_updated, ',' ORDER BY currency)"
               " FROM currency_rates");
  }
  void make_rates_fresh() { sql(db_.name(), "UPDATE currency_rates SET last_updated = now() AT TIME ZONE 'UTC'"); }
  void start(Config c) { app_ = std::make_unique<RunningApp>(std::move(c)); }
  Config config() {
    Config c = test_config(db_.name());
    c.currency_api_url = provider_.url("/v6/latest/GHS");
    c.outbound_timeout = milliseconds(700);
    c.jobs_enabled = true;  // the currency_refresh job refreshes the rates
    for (const char* other : {"TOKEN_CLEANUP", "NOTIFICATION_CLEANUP", "CART_CLEANUP", "ANALYTICS_AGGREGATION",
                              "LOW_STOCK_ALERT", "ABANDONED_CART_EMAIL", "MILESTONES"}) {
      c.job_overrides[std::string("JOB_") + other + "_INTERVAL_S"] = 0;
    }
    return c;
  }
  currency::RefreshResult refresh() {
    auto& a = app_->app();
    return boost::asio::co_spawn(a.services().pool->executor(), a.state().rates.refresh_once(), boost::asio::use_future)
        .get();
  }
  // GET /api/currency/rates: rates.USD.
  double usd() {
    auto r = HttpClient(app_->port()).get("/api/currency/rates");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("data").at("rates").at("USD").to_number<double>();
  }
  // Polls GET until USD is `expected` (or `within` passes).
  bool usd_becomes(double expected, milliseconds within) {
    auto until = Clock::now() + within;
    while (Clock::now() < until) {
      if (usd() == expected) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }

  ScratchDb db_;
  FakeHttpServer provider_;
  std::unique_ptr<RunningApp> app_;
};

TEST_F(RateRefreshTest, StaleRatesAreRefreshedAtStartWithTheKey) {
  // The seeded rates are old: the refresher fetches at once.
  provider_.reply(FakeReply::json(kGoodAnswer));
  Config c = config();
  c.currency_api_key = "rates-key-1";
  start(c);
  ASSERT_TRUE(usd_becomes(0.0912, milliseconds(5000)));
  auto seen = provider_.requests();
  ASSERT_GE(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/v6/latest/GHS");
  EXPECT_EQ(seen[0].header("authorization"), "Bearer rates-key-1");
  // Supported and already stored currencies are written; others are not added.
  EXPECT_EQ(sql(db_.name(), "SELECT rate::text FROM currency_rates WHERE currency = 'NGN'"), "131.250000");
  EXPECT_EQ(sql(db_.name(), "SELECT count(*) FROM currency_rates WHERE currency = 'JPY'"), "0");
}

TEST_F(RateRefreshTest, FreshRatesAreNotFetchedAndARefreshShowsOnTheNextRead) {
  make_rates_fresh();
  provider_.reply(FakeReply::json(kGoodAnswer));
  start(config());
  EXPECT_DOUBLE_EQ(usd(), 0.082);  // the seeded rate, now in the currency cache
  EXPECT_EQ(HttpClient(app_->port()).get("/api/currency/rates").header("x-cache"), "HIT");
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(provider_.request_count(), 0u) << "fresh rates were fetched again";

  auto result = refresh();
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_DOUBLE_EQ(usd(), 0.0912);
}

TEST_F(RateRefreshTest, AFailingProviderLeavesTheLastGoodRates) {
  make_rates_fresh();
  start(config());
  const std::string before = stored();
  FakeReply slow = FakeReply::delayed(milliseconds(1500), kGoodAnswer);  // beyond the 700 ms outbound timeout
  FakeReply dropped;
  dropped.drop = true;
  const std::vector<FakeReply> failures = {
      FakeReply::json(R"({"error":"internal"})", 500),
      FakeReply::json("<html>maintenance</html>"),
      FakeReply::json(R"({"result":"error","error-type":"quota-reached"})"),
      FakeReply::json(R"({"result":"success","base_code":"GHS","rates":{"USD":0.09,"EUR":0.08}})"),
      FakeReply::json(R"({"result":"success","base_code":"GHS","rates":{"USD":-1,"EUR":0.08,"GBP":0.07}})"),
      slow,
      dropped,
  };
  for (std::size_t i = 0; i < failures.size(); ++i) {
    provider_.reply(failures[i]);
    StdoutCapture log;
    auto result = refresh();
    log.restore();
    EXPECT_FALSE(result.ok) << "answer " << i;
    EXPECT_NE(log.text().find("currency rate refresh failed"), std::string::npos) << "answer " << i;
    EXPECT_EQ(stored(), before) << "answer " << i;
    EXPECT_DOUBLE_EQ(usd(), 0.082) << "answer " << i;
  }
}

TEST_F(RateRefreshTest, ASlowProviderDoesNotDelayReads) {
  make_rates_fresh();
  Config c = config();
  c.outbound_timeout = milliseconds(5000);
  start(c);
  provider_.reply(FakeReply::delayed(milliseconds(1500), kGoodAnswer));
  auto& a = app_->app();
  auto pending =
      boost::asio::co_spawn(a.services().pool->executor(), a.state().rates.refresh_once(), boost::asio::use_future);
  std::this_thread::sleep_for(milliseconds(100));
  for (int i = 0; i < 3; ++i) {
    auto t0 = Clock::now();
    EXPECT_DOUBLE_EQ(usd(), 0.082);
    EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count(), 500);
  }
  EXPECT_EQ(pending.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "the provider answered early";
  EXPECT_TRUE(pending.get().ok);
  EXPECT_DOUBLE_EQ(usd(), 0.0912);
}

TEST_F(RateRefreshTest, FailuresAreRetriedWithBackoff) {
  // Stale rates, a provider that fails twice: the loop retries by itself.
  auto calls = std::make_shared<std::atomic<int>>(0);
  provider_.set_handler([calls](const RecordedRequest&) {
    return ++*calls <= 2 ? FakeReply::json("{}", 502) : FakeReply::json(kGoodAnswer);
  });
  Config c = config();
  c.currency_retry = milliseconds(100);
  start(c);
  ASSERT_TRUE(usd_becomes(0.0912, milliseconds(5000)));
  EXPECT_EQ(calls->load(), 3);
}

}  // namespace
}  // namespace wh::test
