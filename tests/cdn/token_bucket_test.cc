// The purge rate limiter: a burst of `capacity`, then `per_minute`.
#include "cdn/token_bucket.h"

#include <gtest/gtest.h>

namespace wh::cdn {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, BurstThenRefillAtTheRate) {
  auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket b(25, 5, t0);  // Cloudflare Free: bucket 25, 5 a minute
  EXPECT_EQ(b.available(t0), 25);
  for (int i = 0; i < 25; ++i) EXPECT_TRUE(b.take(t0)) << i;
  EXPECT_FALSE(b.take(t0));
  EXPECT_NEAR(b.wait_time(t0).count(), 12000, 1);  // one token per 12 s
  EXPECT_FALSE(b.take(t0 + 11s));
  EXPECT_TRUE(b.take(t0 + 12001ms));
  EXPECT_EQ(b.available(t0 + 1h), 25) << "never above the capacity";
}

TEST(TokenBucket, DrainEmptiesIt) {
  auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket b(3, 60, t0);
  b.drain(t0);
  EXPECT_EQ(b.available(t0), 0);
  EXPECT_NEAR(b.wait_time(t0).count(), 1000, 1);
  EXPECT_EQ(b.available(t0 + 2s), 2);
}

}  // namespace
}  // namespace wh::cdn
