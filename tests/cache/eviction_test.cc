// The eviction policies against their contract (cache/eviction.h): what both
// promise, LRU's recency order, and S3-FIFO's queues, counters and ghost.
#include "cache/eviction.h"

#include <gtest/gtest.h>

#include <memory>

namespace wh::cache {
namespace {

std::string key(int i) { return "k" + std::to_string(i); }

// Inserts `k` as a cache does on a miss: room first, then the key.
std::vector<std::string> store(EvictionPolicy& p, const std::string& k, std::size_t charge) {
  auto evicted = p.make_room(charge);
  p.insert(k, charge);
  return evicted;
}

// --- what every policy promises ---

template <typename P>
class EveryPolicy : public ::testing::Test {};
using Policies = ::testing::Types<Lru, S3Fifo>;
TYPED_TEST_SUITE(EveryPolicy, Policies);

TYPED_TEST(EveryPolicy, CountsBytesAndForgetsErasedKeys) {
  TypeParam p(1000);
  p.insert("a", 100);
  p.insert("b", 250);
  EXPECT_EQ(p.bytes(), 350u);
  EXPECT_EQ(p.size(), 2u);
  p.erase("a");
  p.erase("never-held");
  p.touch("never-held");
  EXPECT_EQ(p.bytes(), 250u);
  EXPECT_FALSE(p.contains("a"));
  EXPECT_TRUE(p.contains("b"));
  p.clear();
  EXPECT_EQ(p.bytes(), 0u);
  EXPECT_EQ(p.size(), 0u);
  EXPECT_EQ(p.evict(), std::nullopt);
}

TYPED_TEST(EveryPolicy, MakeRoomEvictsUntilTheIncomingChargeFits) {
  TypeParam p(1000);
  for (int i = 0; i < 10; ++i) p.insert(key(i), 100);
  auto evicted = p.make_room(250);
  EXPECT_EQ(evicted.size(), 3u);
  EXPECT_EQ(p.bytes(), 700u);
  for (const auto& k : evicted) EXPECT_FALSE(p.contains(k)) << k;
  EXPECT_TRUE(p.make_room(300).empty()) << "already fits";
}

TYPED_TEST(EveryPolicy, TheBudgetHoldsUnderManyDistinctKeys) {
  TypeParam p(64 * 1024);
  for (int i = 0; i < 5000; ++i) {
    const std::size_t charge = 200 + static_cast<std::size_t>(i * 7919 % 3000);
    store(p, key(i), charge);
    ASSERT_LE(p.bytes(), p.budget()) << "after key " << i;
    if (i % 3 == 0) p.touch(key(i / 2));
  }
  EXPECT_GT(p.bytes(), p.budget() - 3200) << "the budget is used, not just respected";
  EXPECT_LT(p.size(), 100u);
}

// --- LRU ---

TEST(LruTest, TheLeastRecentlyUsedLeavesFirst) {
  Lru p(300);
  p.insert("a", 100);
  p.insert("b", 100);
  p.insert("c", 100);
  p.touch("a");
  EXPECT_EQ(store(p, "d", 100), std::vector<std::string>{"b"});
  EXPECT_EQ(store(p, "e", 100), std::vector<std::string>{"c"});
  EXPECT_EQ(store(p, "f", 100), std::vector<std::string>{"a"});
}

TEST(LruTest, AScanOfOneHitWondersEvictsTheHotSet) {
  Lru p(10000);
  for (int i = 0; i < 40; ++i) {
    store(p, "hot" + std::to_string(i), 100);
    p.touch("hot" + std::to_string(i));
  }
  for (int i = 1000; i < 2000; ++i) store(p, key(i), 100);
  for (int i = 0; i < 40; ++i) EXPECT_FALSE(p.contains("hot" + std::to_string(i))) << i;
}

// --- S3-FIFO ---

TEST(S3FifoTest, ANewKeyEntersTheSmallQueue) {
  S3Fifo p(1000);
  p.insert("a", 50);
  EXPECT_FALSE(p.in_main("a"));
  EXPECT_EQ(p.small_bytes(), 50u);
  EXPECT_EQ(p.main_bytes(), 0u);
}

TEST(S3FifoTest, OneHitWondersLeaveFromTheSmallQueueAndAScanDoesNotEvictTheHotSet) {
  S3Fifo p(10000);
  // A hot set, hit while in the small queue, is promoted to main on its way out.
  for (int i = 0; i < 40; ++i) {
    store(p, "hot" + std::to_string(i), 100);
    p.touch("hot" + std::to_string(i));
  }
  for (int i = 0; i < 200; ++i) store(p, key(i), 100);  // churn moves the hot set to main
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(p.in_main("hot" + std::to_string(i))) << i;
  // A scan 10x the budget, every key requested once.
  for (int i = 1000; i < 2000; ++i) {
    for (const auto& gone : store(p, key(i), 100)) ASSERT_EQ(gone.rfind("hot", 0), std::string::npos) << gone;
  }
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(p.contains("hot" + std::to_string(i))) << i;
  EXPECT_EQ(p.main_bytes(), 4000u);
}

TEST(S3FifoTest, AGhostHitReadmitsToTheMainQueue) {
  S3Fifo p(1000);
  store(p, "once", 100);
  for (int i = 0; i < 10; ++i) store(p, key(i), 100);
  ASSERT_FALSE(p.contains("once")) << "evicted from the small queue";
  EXPECT_GE(p.ghost_size(), 1u);
  store(p, "once", 100);
  EXPECT_TRUE(p.in_main("once")) << "remembered by the ghost, so it was requested again soon";
  store(p, "new", 100);
  EXPECT_FALSE(p.in_main("new"));
}

TEST(S3FifoTest, TheGhostForgetsOnceItsBytesExceedTheMainShare) {
  S3Fifo p(1000);  // ghost: 900 bytes of keys
  store(p, "early", 100);
  for (int i = 0; i < 30; ++i) store(p, key(i), 100);  // 20+ evictions remembered after it
  ASSERT_FALSE(p.contains("early"));
  EXPECT_LE(p.ghost_size(), 9u);
  store(p, "early", 100);
  EXPECT_FALSE(p.in_main("early"));
}

TEST(S3FifoTest, MainGivesAKeyWithHitsAnotherPassAndEvictsTheColdOne) {
  S3Fifo p(1000);
  // Fill main through the ghost: insert, evict, re-insert.
  for (int i = 0; i < 9; ++i) store(p, key(i), 100);
  p.make_room(1000);
  for (int i = 0; i < 9; ++i) store(p, key(i), 100);
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(p.in_main(key(i))) << i;
  p.touch(key(0));  // the oldest in main, but hit
  auto evicted = p.make_room(300);
  EXPECT_EQ(evicted, (std::vector<std::string>{key(1), key(2)}));
  EXPECT_TRUE(p.contains(key(0)));
}

TEST(S3FifoTest, AnErasedMainKeyComesBackToMainAndASmallOneDoesNot) {
  S3Fifo p(1000);
  store(p, "hot", 100);
  p.touch("hot");
  store(p, "cold", 100);
  for (int i = 0; i < 20; ++i) store(p, key(i), 50);
  ASSERT_TRUE(p.in_main("hot"));
  store(p, "young", 50);
  p.erase("hot");  // e.g. invalidated by a write
  p.erase("young");
  EXPECT_FALSE(p.contains("hot"));
  store(p, "hot", 100);
  store(p, "young", 50);
  EXPECT_TRUE(p.in_main("hot")) << "a hot entry keeps its standing across an invalidation";
  EXPECT_FALSE(p.in_main("young"));
}

TEST(S3FifoTest, WithoutRememberingErasedKeysAnInvalidatedKeyStartsOver) {
  S3FifoOptions options;
  options.remember_erased = false;
  S3Fifo p(1000, options);
  store(p, "hot", 100);
  p.touch("hot");
  for (int i = 0; i < 20; ++i) store(p, key(i), 50);
  ASSERT_TRUE(p.in_main("hot"));
  p.erase("hot");
  store(p, "hot", 100);
  EXPECT_FALSE(p.in_main("hot"));
}

}  // namespace
}  // namespace wh::cache
