// ByteCache against its contract, with an injectable clock and loaders that
// count their runs (standing in for database statements).
#include "cache/byte_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <stdexcept>
#include <thread>

#include "core/async_event.h"

namespace wh::cache {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

struct FakeClock {
  Clock::time_point now = Clock::time_point(1000h);
  ClockFn fn() {
    return [this] { return now; };
  }
};

struct Harness {
  explicit Harness(Policy p) : cache(std::move(p), clock.fn()) {}

  // Runs one get to completion on a private io_context (and anything it spawned).
  Lookup get(const std::string& key, Loader loader) {
    asio::io_context io;
    auto fut = asio::co_spawn(io, cache.get(key, std::move(loader)), asio::use_future);
    io.run();
    return fut.get();
  }
  // A loader that counts its runs and returns `body` tagged `tags`.
  Loader counting(std::string body, std::vector<std::string> tags = {"products"}) {
    return [this, body, tags]() -> Task<Entry> {
      ++loads;
      Entry e;
      e.body = body;
      e.tags = tags;
      co_return e;
    };
  }
  Loader failing() {
    return [this]() -> Task<Entry> {
      ++loads;
      throw std::runtime_error("database down");
      co_return Entry{};
    };
  }

  FakeClock clock;
  ByteCache cache;
  std::atomic<int> loads{0};
};

Policy policy(std::chrono::milliseconds ttl, std::chrono::milliseconds swr = 0ms, std::chrono::milliseconds sie = 0ms) {
  Policy p;
  p.name = "test";
  p.ttl = ttl;
  p.stale_while_revalidate = swr;
  p.stale_if_error = sie;
  return p;
}

TEST(ByteCacheTest, AFreshHitRunsNoLoadAndSharesTheBytes) {
  Harness h(policy(60s));
  auto first = h.get("k", h.counting("v1"));
  auto second = h.get("k", h.counting("v2"));
  EXPECT_EQ(h.loads, 1);
  EXPECT_FALSE(first.hit);
  EXPECT_TRUE(second.hit);
  EXPECT_EQ(second.entry->body, "v1");
  EXPECT_EQ(first.entry.get(), second.entry.get()) << "a hit hands out the stored entry, not a copy";
  auto c = h.cache.counters();
  EXPECT_EQ(c.hits, 1u);
  EXPECT_EQ(c.misses, 1u);
  EXPECT_EQ(c.entries, 1u);
}

TEST(ByteCacheTest, EtagIsStrongAndFollowsTheBytes) {
  Harness h(policy(60s));
  auto a = h.get("a", h.counting("same"));
  auto b = h.get("b", h.counting("same"));
  auto c = h.get("c", h.counting("other"));
  ASSERT_GE(a.entry->etag.size(), 3u);
  EXPECT_EQ(a.entry->etag.front(), '"');
  EXPECT_EQ(a.entry->etag.back(), '"');
  EXPECT_EQ(a.entry->etag, b.entry->etag);
  EXPECT_NE(a.entry->etag, c.entry->etag);
}

TEST(ByteCacheTest, AnEntryPastItsTtlIsLoadedAgain) {
  Harness h(policy(10s));
  h.get("k", h.counting("v1"));
  h.clock.now += 9s;
  EXPECT_EQ(h.get("k", h.counting("v2")).entry->body, "v1");
  h.clock.now += 2s;
  EXPECT_EQ(h.get("k", h.counting("v2")).entry->body, "v2");
  EXPECT_EQ(h.loads, 2);
}

TEST(ByteCacheTest, StaleWhileRevalidateServesStaleOnceAndRefreshesInTheBackground) {
  Harness h(policy(10s, 30s));
  h.get("k", h.counting("v1"));
  h.clock.now += 15s;
  auto stale = h.get("k", h.counting("v2"));  // also runs the spawned refresh
  EXPECT_EQ(stale.freshness, Freshness::kStale);
  EXPECT_EQ(stale.entry->body, "v1");
  EXPECT_EQ(h.loads, 2) << "one background refresh";
  auto fresh = h.get("k", h.counting("v3"));
  EXPECT_EQ(fresh.freshness, Freshness::kFresh);
  EXPECT_EQ(fresh.entry->body, "v2");
  EXPECT_EQ(h.loads, 2);
  EXPECT_EQ(h.cache.counters().stale_hits, 1u);
}

TEST(ByteCacheTest, PastTheRevalidateWindowItIsAMiss) {
  Harness h(policy(10s, 5s));
  h.get("k", h.counting("v1"));
  h.clock.now += 16s;
  auto r = h.get("k", h.counting("v2"));
  EXPECT_EQ(r.freshness, Freshness::kFresh);
  EXPECT_EQ(r.entry->body, "v2");
}

TEST(ByteCacheTest, StaleIfErrorServesTheLastGoodEntryOnlyWithinItsWindow) {
  Harness h(policy(10s, 0s, 60s));
  h.get("k", h.counting("good"));
  h.clock.now += 30s;
  auto r = h.get("k", h.failing());
  EXPECT_EQ(r.freshness, Freshness::kStaleIfError);
  EXPECT_EQ(r.entry->body, "good");
  EXPECT_EQ(h.cache.counters().stale_if_error, 1u);
  h.clock.now += 39s;  // 69 s: still within ttl + stale_if_error
  EXPECT_EQ(h.get("k", h.failing()).freshness, Freshness::kStaleIfError);
  h.clock.now += 2s;
  EXPECT_THROW(h.get("k", h.failing()), std::runtime_error);
  EXPECT_EQ(h.cache.counters().load_failures, 3u);
}

TEST(ByteCacheTest, AFailureWithNothingToFallBackOnIsRethrownAndNotCached) {
  Harness h(policy(10s, 0s, 60s));
  EXPECT_THROW(h.get("k", h.failing()), std::runtime_error);
  EXPECT_EQ(h.get("k", h.counting("v")).entry->body, "v");
  EXPECT_EQ(h.loads, 2);
}

TEST(ByteCacheTest, ErrorResponsesAreReturnedButNotStored) {
  Harness h(policy(60s));
  Loader not_found = [&]() -> Task<Entry> {
    ++h.loads;
    Entry e;
    e.status = 404;
    e.body = "{}";
    co_return e;
  };
  EXPECT_EQ(h.get("k", not_found).entry->status, 404);
  EXPECT_EQ(h.get("k", not_found).entry->status, 404);
  EXPECT_EQ(h.loads, 2);
}

TEST(ByteCacheTest, ConcurrentMissesOnOneKeyRunOneLoad) {
  Harness h(policy(60s));
  asio::io_context io;
  AsyncEvent gate(io.get_executor());
  std::atomic<int> loads{0};
  Loader slow = [&]() -> Task<Entry> {
    ++loads;
    co_await gate.wait();
    Entry e;
    e.body = "v";
    co_return e;
  };
  constexpr int kCallers = 200;
  std::atomic<int> done{0};
  std::vector<const Entry*> seen(kCallers);
  for (int i = 0; i < kCallers; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> Task<void> {
          std::string key = "k";
          auto r = co_await h.cache.get(key, slow);
          seen[static_cast<std::size_t>(i)] = r.entry.get();
          ++done;
        },
        asio::detached);
  }
  // Two threads, as in the server; the gate opens once everyone waits.
  std::thread t([&] { io.run_for(5s); });
  for (int i = 0; i < 500 && h.cache.counters().coalesced < kCallers - 1; ++i) std::this_thread::sleep_for(2ms);
  gate.set();
  io.run_for(5s);
  t.join();
  EXPECT_EQ(done, kCallers);
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(h.cache.counters().coalesced, static_cast<std::uint64_t>(kCallers - 1));
  for (auto* p : seen) EXPECT_EQ(p, seen[0]);
}

TEST(ByteCacheTest, InvalidateTagRemovesExactlyTheTaggedEntries) {
  Harness h(policy(60s));
  h.get("list", h.counting("l", {"products"}));
  h.get("p1", h.counting("a", {"products", "product:1"}));
  h.get("banners", h.counting("b", {"banners"}));
  EXPECT_EQ(h.cache.invalidate_tag("products"), 2u);
  EXPECT_EQ(h.cache.invalidate_tag("nothing"), 0u);
  EXPECT_EQ(h.cache.counters().entries, 1u);
  EXPECT_EQ(h.get("banners", h.counting("b2")).entry->body, "b");
  EXPECT_EQ(h.get("p1", h.counting("a2")).entry->body, "a2");
}

TEST(ByteCacheTest, ALoadThatStartedBeforeAnInvalidationIsNotStoredNorJoined) {
  Harness h(policy(60s));
  asio::io_context io;
  AsyncEvent gate(io.get_executor());
  Loader slow_old = [&]() -> Task<Entry> {
    ++h.loads;
    co_await gate.wait();
    Entry e;
    e.body = "old";
    e.tags = {"products"};
    co_return e;
  };
  std::string first_body;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        std::string key = "k";
        auto r = co_await h.cache.get(key, slow_old);
        first_body = r.entry->body;
      },
      asio::detached);
  io.poll();  // the load is now waiting on the gate
  ASSERT_EQ(h.loads, 1);
  h.cache.invalidate_tag("products");  // a write lands meanwhile
  // A reader arriving after the write does not join the old load.
  std::string second_body;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        std::string key = "k";
        auto loader = h.counting("new");
        auto r = co_await h.cache.get(key, loader);
        second_body = r.entry->body;
      },
      asio::detached);
  io.poll();
  gate.set();
  io.run();
  EXPECT_EQ(first_body, "old");
  EXPECT_EQ(second_body, "new");
  EXPECT_EQ(h.get("k", h.counting("newer")).entry->body, "new") << "the old result was dropped, the new one kept";
  EXPECT_EQ(h.cache.counters().dropped_loads, 1u);
}

TEST(ByteCacheTest, TheByteBudgetHoldsUnderManyDistinctKeys) {
  Policy p = policy(60s);
  p.byte_budget = 64 * 1024;
  p.shards = 1;
  Harness h(p);
  const std::string body(1000, 'x');
  h.get("hot", h.counting(body));
  for (int i = 0; i < 500; ++i) {
    h.get("k" + std::to_string(i), h.counting(body));
    h.get("hot", h.counting("reloaded"));  // keeps "hot" in demand
  }
  auto c = h.cache.counters();
  EXPECT_LE(c.bytes, p.byte_budget);
  EXPECT_GT(c.evictions, 400u);
  EXPECT_LT(c.entries, 64u);
  EXPECT_EQ(h.get("hot", h.counting("reloaded")).entry->body, body) << "an entry in demand survives";
  EXPECT_NE(h.get("k0", h.counting("again")).entry->body, body) << "the oldest cold entry was evicted";
}

// A cache of 64 KiB in one shard holds about 50 of these entries.
struct SmallCache : Harness {
  SmallCache() : Harness(small_policy()) {}
  static Policy small_policy() {
    Policy p = policy(60s);
    p.byte_budget = 64 * 1024;
    p.shards = 1;
    return p;
  }
  // Requests `count` distinct keys once each: a crawler's walk.
  void scan(const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) get(prefix + std::to_string(i), counting(body));
  }
  bool cached(const std::string& key) {
    const int before = loads;
    get(key, counting(body));
    return loads == before;
  }
  const std::string body = std::string(1000, 'x');
};

TEST(ByteCacheTest, AScanOfOneHitWondersDoesNotEvictTheHotSet) {
  SmallCache h;
  for (int i = 0; i < 10; ++i) h.get("hot" + std::to_string(i), h.counting(h.body));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(h.cached("hot" + std::to_string(i)));
  h.scan("crawl", 300);  // six times the budget, every key once
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(h.cached("hot" + std::to_string(i))) << i;
  EXPECT_FALSE(h.cached("crawl0"));
  EXPECT_LE(h.cache.counters().bytes, SmallCache::small_policy().byte_budget);
}

TEST(ByteCacheTest, AKeyRequestedAgainSoonAfterItsEvictionIsReadmittedToTheMainQueue) {
  SmallCache h;
  h.get("returning", h.counting(h.body));
  h.scan("a", 60);  // evicts "returning", which the ghost remembers
  ASSERT_FALSE(h.cached("returning")) << "reloaded now, into the main queue";
  h.get("newcomer", h.counting(h.body));  // the control: not remembered
  h.scan("b", 300);
  EXPECT_TRUE(h.cached("returning"));
  EXPECT_FALSE(h.cached("newcomer"));
}

TEST(ByteCacheTest, AHotEntryKeepsItsPlaceAcrossAnInvalidation) {
  SmallCache h;
  h.get("hot", h.counting(h.body, {"products"}));
  ASSERT_TRUE(h.cached("hot"));
  h.scan("a", 60);  // the hot entry moves to the main queue
  const auto entries = h.cache.counters().entries;
  EXPECT_EQ(h.cache.invalidate_tag("products"), entries) << "every entry here is tagged products";
  ASSERT_FALSE(h.cached("hot")) << "invalidated, so reloaded";
  h.scan("b", 300);
  EXPECT_TRUE(h.cached("hot")) << "back in the main queue, not starting over as a newcomer";
}

TEST(ByteCacheTest, AnEntryLargerThanItsShareIsServedButNotStored) {
  Policy p = policy(60s);
  p.byte_budget = 4096;
  p.shards = 1;
  Harness h(p);
  const std::string big(10000, 'x');
  EXPECT_EQ(h.get("big", h.counting(big)).entry->body.size(), big.size());
  EXPECT_EQ(h.cache.counters().entries, 0u);
  h.get("big", h.counting(big));
  EXPECT_EQ(h.loads, 2);
}

}  // namespace
}  // namespace wh::cache
