#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

TEST(IdsTest, CuidsGeneratedLaterDoNotSortBeforeEarlierOnes) {
  // The first 8 characters after 'c' are the millisecond timestamp in base36.
  std::string a = new_cuid();
  std::string b = new_cuid();
  EXPECT_LE(a.substr(1, 8), b.substr(1, 8));
}

TEST(IdsTest, RandomHexLengthAndCharset) {
  for (std::size_t n : {0u, 1u, 16u, 32u}) {
    std::string h = random_hex(n);
    ASSERT_EQ(h.size(), n * 2);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
  }
  EXPECT_NE(random_hex(16), random_hex(16));
}

}  // namespace
}  // namespace wh
