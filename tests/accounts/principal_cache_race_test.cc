// PrincipalCache's load/invalidation race: a value read before an
// invalidation must never be stored after it (the ticket contract in
// accounts/auth_state.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "accounts/auth_state.h"

namespace wh::accounts {
namespace {

using namespace std::chrono_literals;

Principal principal(const std::string& id, bool active = true) {
  Principal p;
  p.id = id;
  p.email = id + "@example.com";
  p.role = "customer";
  p.active = active;
  return p;
}

TEST(PrincipalCacheRace, LoadStartedBeforeAnInvalidationIsNotStored) {
  PrincipalCache cache(30s, 100);
  auto ticket = cache.ticket();                      // a request starts loading u1 (still active)
  cache.invalidate("u1");                            // meanwhile u1 is deactivated
  EXPECT_FALSE(cache.put(principal("u1"), ticket));  // the stale read arrives
  EXPECT_FALSE(cache.get("u1").has_value()) << "the pre-invalidation value was cached";
  // A load that starts after the invalidation is stored.
  auto fresh = cache.ticket();
  EXPECT_TRUE(cache.put(principal("u1", false), fresh));
  ASSERT_TRUE(cache.get("u1").has_value());
  EXPECT_FALSE(cache.get("u1")->active);
}

TEST(PrincipalCacheRace, InvalidatingAnotherKeyDoesNotBlockTheLoad) {
  PrincipalCache cache(30s, 100);
  auto ticket = cache.ticket();
  cache.invalidate("u2");
  EXPECT_TRUE(cache.put(principal("u1"), ticket));
  EXPECT_TRUE(cache.get("u1").has_value());
}

TEST(PrincipalCacheRace, ClearRefusesEveryLoadInFlight) {
  PrincipalCache cache(30s, 100);
  auto ticket = cache.ticket();
  cache.clear();
  EXPECT_FALSE(cache.put(principal("u1"), ticket));
  EXPECT_FALSE(cache.put(principal("u2"), ticket));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PrincipalCacheRace, EvictingTheTombstoneKeepsTheInvalidation) {
  PrincipalCache cache(30s, 2);
  auto ticket = cache.ticket();
  cache.invalidate("u1");  // tombstone for u1
  // Fill the cache so that the tombstone is evicted.
  EXPECT_TRUE(cache.put(principal("u2"), cache.ticket()));
  EXPECT_TRUE(cache.put(principal("u3"), cache.ticket()));
  EXPECT_TRUE(cache.put(principal("u4"), cache.ticket()));
  EXPECT_FALSE(cache.put(principal("u1"), ticket)) << "the invalidation was forgotten with its tombstone";
  EXPECT_FALSE(cache.get("u1").has_value());
  EXPECT_LE(cache.size(), 2u);
}

}  // namespace
}  // namespace wh::accounts
