#include "commerce/cart_key.h"
#include "core/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace wh::commerce {
namespace {

TEST(CartKey, NewSessionIdsAreDistinctVersion4Uuids) {
  static const std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = new_uuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    EXPECT_TRUE(plausible_session_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100U);
}

TEST(CartKey, OnlyPlainTokensAreUsableSessionIds) {
  EXPECT_TRUE(plausible_session_id("abcd_1234-XYZ"));
  EXPECT_FALSE(plausible_session_id("short"));
  EXPECT_FALSE(plausible_session_id(std::string(101, 'a')));
  EXPECT_FALSE(plausible_session_id("has space in it"));
  EXPECT_FALSE(plausible_session_id("quote'injection"));
}

TEST(CartKey, TablesFollowTheKindOfCart) {
  CartKey guest{"", "session-1234"};
  EXPECT_STREQ(guest.items_table(), "guest_cart_items");
  EXPECT_EQ(guest.owner(), "session-1234");
  CartKey user{"cuser", "session-1234"};
  EXPECT_STREQ(user.carts_table(), "carts");
  EXPECT_EQ(user.owner(), "cuser");
}

}  // namespace
}  // namespace wh::commerce
