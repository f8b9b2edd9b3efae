#include "core/ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace wh {
namespace {

bool lower_alnum(const std::string& s) {
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

TEST(IdsTest, CuidShape) {
  for (int i = 0; i < 100; ++i) {
    std::string id = new_cuid();
    ASSERT_EQ(id.size(), 25u) << id;
    EXPECT_EQ(id[0], 'c') << id;
    EXPECT_TRUE(lower_alnum(id)) << id;
  }
}

TEST(IdsTest, TenThousandCuidsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(new_cuid());
  EXPECT_EQ(seen.size(), 10000u);
}

// The millisecond timestamp encoded in characters 1..8 (base 36).
long long cuid_ms(const std::string& id) { return std::stoll(id.substr(1, 8), nullptr, 36); }

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(IdsTest, CuidCarriesItsCreationTime) {
  long long before = now_ms();
  std::string id = new_cuid();
  long long after = now_ms();
  EXPECT_GE(cuid_ms(id), before) << id;
  EXPECT_LE(cuid_ms(id), after) << id;
}

TEST(IdsTest, CuidsOfALaterMillisecondSortAfterEarlierOnes) {
  // Where it matters: ids made in different milliseconds sort by time as
  // whole strings, whatever their counter and random parts.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    for (int k = 0; k < 50; ++k) ids.push_back(new_cuid());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int compared = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      if (cuid_ms(ids[i]) == cuid_ms(ids[j])) continue;
      ++compared;
      ASSERT_LT(ids[i], ids[j]) << "made earlier but sorts later";
    }
  }
  EXPECT_GT(compared, 1000) << "the ids did not span several milliseconds";
}

TEST(IdsTest, CuidFromPlacesTimeFirst) {
  // cuid_from is what new_cuid and the seed build ids with: the time decides
  // the order even against the largest counter and random parts.
  std::string early = cuid_from(1748736000000ULL, 1679615, ~0ULL);
  std::string late = cuid_from(1748736000001ULL, 0, 0);
  EXPECT_LT(early, late);
  EXPECT_EQ(early.size(), 25u);
  EXPECT_EQ(cuid_ms(early), 1748736000000LL);
  EXPECT_TRUE(lower_alnum(early)) << early;
  EXPECT_EQ(cuid_from(5, 6, 7), cuid_from(5, 6, 7));
  EXPECT_EQ(cuid_from(5, 6, 7).substr(9, 4), "0006");
}

TEST(IdsTest, RandomHexLengthAndCharset) {
  for (std::size_t n : {0u, 1u, 16u, 32u}) {
    std::string h = random_hex(n);
    ASSERT_EQ(h.size(), n * 2);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
  }
  EXPECT_NE(random_hex(16), random_hex(16));
}

TEST(IdsTest, RequestIdsAreSixteenHexDigitsAndDistinctAcrossThreads) {
  std::vector<std::string> ids[2];
  std::thread other([&] {
    for (int i = 0; i < 5000; ++i) ids[1].push_back(new_request_id());
  });
  for (int i = 0; i < 5000; ++i) ids[0].push_back(new_request_id());
  other.join();
  std::set<std::string> seen;
  for (const auto& list : ids) {
    for (const auto& id : list) {
      ASSERT_EQ(id.size(), 16u) << id;
      ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
      seen.insert(id);
    }
  }
  EXPECT_EQ(seen.size(), 10000u) << "request ids repeated (within or across threads)";
}

}  // namespace
}  // namespace wh
