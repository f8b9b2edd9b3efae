// RateLimiter (token buckets, bounded memory) and the limits as the HTTP
// interface applies them: login failures per IP, password-reset requests per
// e-mail, and the general per-IP limit with its exemptions.
#include "security/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

#include "accounts/auth_test_support.h"
#include "security/http_policy.h"

namespace wh::test::auth {
namespace {

using security::RateLimiter;
using security::RatePolicy;
using namespace std::chrono_literals;

const RatePolicy kThreePerMinute{"test", 3, std::chrono::seconds(60)};

TEST(RateLimiterUnit, CapacityIsTheLimit) {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) {
    auto d = limiter.take(kThreePerMinute, "k");
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.policy, "3;w=60");
  }
  auto denied = limiter.take(kThreePerMinute, "k");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  // One token comes back every 20 s.
  EXPECT_GE(denied.retry_after_seconds, 19);
  EXPECT_LE(denied.retry_after_seconds, 20);
  EXPECT_GE(denied.reset_seconds, 59);
  EXPECT_LE(denied.reset_seconds, 60);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
}

TEST(RateLimiterUnit, KeysAndPoliciesAreIndependent) {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(kThreePerMinute, "a").allowed);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "a").allowed);
  EXPECT_TRUE(limiter.take(kThreePerMinute, "b").allowed);
  const RatePolicy other{"other", 3, std::chrono::seconds(60)};
  EXPECT_TRUE(limiter.take(other, "a").allowed);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(RateLimiterUnit, BucketsRefillOverTime) {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(kThreePerMinute, "k").allowed);
  ASSERT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
  limiter.set_clock_offset(std::chrono::seconds(10));  // half a token
  EXPECT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
  limiter.set_clock_offset(std::chrono::seconds(21));  // one token
  EXPECT_TRUE(limiter.take(kThreePerMinute, "k").allowed);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
  // A long pause refills to the capacity, never beyond.
  limiter.set_clock_offset(std::chrono::seconds(21 + 3600));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take(kThreePerMinute, "k").allowed) << i;
  EXPECT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
}

TEST(RateLimiterUnit, RefundGivesATokenBackButNeverBeyondTheCapacity) {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(kThreePerMinute, "k").allowed);
  ASSERT_FALSE(limiter.take(kThreePerMinute, "k").allowed);
  limiter.refund(kThreePerMinute, "k");
  EXPECT_TRUE(limiter.take(kThreePerMinute, "k").allowed);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "k").allowed);

  // Refunds on a full bucket are capped.
  limiter.take(kThreePerMinute, "full");
  for (int i = 0; i < 10; ++i) limiter.refund(kThreePerMinute, "full");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take(kThreePerMinute, "full").allowed) << i;
  EXPECT_FALSE(limiter.take(kThreePerMinute, "full").allowed);
  // A refund for an unknown key creates nothing.
  limiter.refund(kThreePerMinute, "never-seen");
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimiterUnit, MemoryIsBounded) {
  RateLimiter limiter(160);
  for (int i = 0; i < 10000; ++i) limiter.take(kThreePerMinute, "ip-" + std::to_string(i));
  EXPECT_LE(limiter.size(), 160u);
  EXPECT_GT(limiter.size(), 0u);
  // The most recent key is still tracked.
  auto d = limiter.take(kThreePerMinute, "ip-9999");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  limiter.clear();
  EXPECT_EQ(limiter.size(), 0u);
  EXPECT_TRUE(limiter.take(kThreePerMinute, "ip-9999").allowed);
}

TEST(RateLimiterUnit, EvictsTheLeastRecentlyUsedKeyNotTheOldest) {
  // 10 buckets per shard. "hot" is created first, so a FIFO limiter would
  // evict it as soon as its shard fills; an LRU one keeps it as long as it
  // keeps being used, however many new keys arrive. Its bucket is empty, so
  // being forgotten would show as a fresh, allowed bucket.
  RateLimiter limiter(160);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(kThreePerMinute, "hot").allowed);
  for (int i = 0; i < 2000; ++i) {
    limiter.take(kThreePerMinute, "flood-" + std::to_string(i));
    ASSERT_FALSE(limiter.take(kThreePerMinute, "hot").allowed) << "the hot key was forgotten after " << i;
  }
  // A key nobody touches is the one that goes.
  ASSERT_TRUE(limiter.take(kThreePerMinute, "cold").allowed);
  ASSERT_TRUE(limiter.take(kThreePerMinute, "cold").allowed);
  ASSERT_TRUE(limiter.take(kThreePerMinute, "cold").allowed);
  ASSERT_FALSE(limiter.take(kThreePerMinute, "cold").allowed);
  for (int i = 0; i < 2000; ++i) limiter.take(kThreePerMinute, "later-" + std::to_string(i));
  EXPECT_TRUE(limiter.take(kThreePerMinute, "cold").allowed) << "an idle key should have been evicted";
}

TEST(RateLimiterUnit, Ipv6KeysCountPerNetwork) {
  RateLimiter limiter(1000, 64);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(limiter.take(kThreePerMinute, "2001:db8:1:2::" + std::to_string(i + 1)).allowed);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "2001:db8:1:2:dead:beef::1").allowed) << "same /64, same bucket";
  EXPECT_TRUE(limiter.take(kThreePerMinute, "2001:db8:1:3::1").allowed) << "another /64";
  // Refunds go to the same network bucket.
  limiter.refund(kThreePerMinute, "2001:db8:1:2::99");
  EXPECT_TRUE(limiter.take(kThreePerMinute, "2001:db8:1:2::1").allowed);
  // IPv4 is per address, also when written IPv4-mapped; e-mails are untouched.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.take(kThreePerMinute, "203.0.113.1").allowed);
  EXPECT_FALSE(limiter.take(kThreePerMinute, "::ffff:203.0.113.1").allowed);
  EXPECT_TRUE(limiter.take(kThreePerMinute, "203.0.113.2").allowed);
  EXPECT_TRUE(limiter.take(kThreePerMinute, "a:b@example.com").allowed);

  RateLimiter per_address(1000, 128);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(per_address.take(kThreePerMinute, "2001:db8::1").allowed);
  EXPECT_TRUE(per_address.take(kThreePerMinute, "2001:db8::2").allowed) << "/128: every address is its own client";
}

// ---- through HTTP ------------------------------------------------------------------------

void expect_429(const HttpResult& r, const std::string& message) {
  ASSERT_EQ(r.status, 429) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), false);
  EXPECT_EQ(v.at("error").at("type"), "TooManyRequestsError") << r.body;
  EXPECT_EQ(v.at("error").at("message"), json::value(message)) << r.body;
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_GT(std::atoi(r.header("retry-after").c_str()), 0) << r.header("retry-after");
  EXPECT_FALSE(r.header("ratelimit-limit").empty());
  EXPECT_EQ(r.header("ratelimit-remaining"), "0");
  EXPECT_FALSE(r.header("ratelimit-reset").empty());
  EXPECT_FALSE(r.header("ratelimit-policy").empty());
}

TEST(RateLimitHttp, SixthFailedLoginFromOneIpIs429) {
  AuthServer s;
  for (int i = 1; i <= 5; ++i) {
    auto r = s.login("nobody" + std::to_string(i) + "@example.com", "Wrong@Pass1");
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
    EXPECT_EQ(r.header("ratelimit-limit"), "5");
    EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(5 - i));
    EXPECT_EQ(r.header("ratelimit-policy"), "5;w=900");
  }
  auto sixth = s.login(s.verified_customer(), kCustomerPassword);  // even the right password
  expect_429(sixth, "Too many login attempts. Please try again in 15 minutes.");
  EXPECT_EQ(sixth.header("ratelimit-limit"), "5");
  int retry = std::atoi(sixth.header("retry-after").c_str());
  EXPECT_GE(retry, 150);  // 15 min / 5 = 180 s per token, minus the refill so far
  EXPECT_LE(retry, 181);
  // Other routes are not affected.
  EXPECT_EQ(s.get("/api/products?limit=1").status, 200);
}

TEST(RateLimitHttp, SuccessfulLoginsAreNotCounted) {
  AuthServer s;
  std::string email = s.verified_customer();
  for (int i = 0; i < 7; ++i) {
    auto r = s.login(email, kCustomerPassword);
    ASSERT_EQ(r.status, 200) << "login " << i << ": " << r.body;
  }
  for (int i = 1; i <= 5; ++i) {
    auto r = s.login("nobody@example.com", "Wrong@Pass1");
    ASSERT_EQ(r.status, 401) << "failure " << i << ": " << r.body;
  }
  expect_429(s.login("nobody@example.com", "Wrong@Pass1"), "Too many login attempts. Please try again in 15 minutes.");
}

TEST(RateLimitHttp, PasswordResetIsLimitedPerEmail) {
  AuthServer s;
  std::string email = s.verified_customer();
  for (int i = 0; i < 3; ++i) {
    auto r = s.post("/api/auth/password-reset/request", json::object{{"email", email}});
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
  }
  // The same address in another spelling is the same bucket.
  std::string upper = email;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  expect_429(s.post("/api/auth/password-reset/request", json::object{{"email", upper}}),
             "Too many password reset requests. Please try again in 1 hour.");
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_logs WHERE type = 'password_reset' AND to_email = " + sql_quote(email)),
            3);
  // Another address from the same IP is fine.
  EXPECT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", s.verified_customer(1)}}).status, 200);
  EXPECT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", "unknown@example.com"}}).status, 200);
}

TEST(RateLimitHttp, GeneralLimitPerIpWithHealthExempt) {
  AuthServer s;
  s.config.rate_limit_max = 5;
  for (int i = 1; i <= 5; ++i) {
    auto r = s.get("/api/banners");
    ASSERT_EQ(r.status, 200) << i << ": " << r.body;
    EXPECT_EQ(r.header("ratelimit-limit"), "5");
    EXPECT_EQ(r.header("ratelimit-remaining"), std::to_string(5 - i));
  }
  auto sixth = s.get("/api/banners");
  expect_429(sixth, "Too many requests. Please try again later.");
  EXPECT_EQ(sixth.header("ratelimit-policy"), "5;w=900");
  // Any other limited path shares the bucket.
  EXPECT_EQ(s.get("/api/products?limit=1").status, 429);
  // Health checks are exempt.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(s.get("/api/health").status, 200) << i;
    EXPECT_EQ(s.get("/healthz").status, 200) << i;
  }
}

TEST(RateLimitHttp, RateLimitsCanBeSwitchedOff) {
  AuthServer s;
  s.config.rate_limit_max = 2;
  s.config.rate_limits = false;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.get("/api/banners").status, 200) << i;
  for (int i = 0; i < 7; ++i) EXPECT_EQ(s.login("nobody@example.com", "Wrong@Pass1").status, 401) << i;
}

}  // namespace
}  // namespace wh::test::auth
