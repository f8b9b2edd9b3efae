// The sendBeacon body of POST /api/cart/sync: whatever arrives, only usable
// lines come out, and a variant named twice keeps its last quantity.
#include <gtest/gtest.h>

#include "commerce/cart_sql.h"
#include "commerce/cart_writes.h"

namespace wh::commerce {
namespace {

TEST(CartSyncBody, KeepsUsableLinesOnly) {
  auto items =
      parse_sync_items(R"({"items":[{"variant_id":"cva","quantity":2},{"variant_id":"cvb","quantity":"3"},)"
                       R"({"variant_id":"cvc","quantity":0},{"variant_id":"bad id","quantity":1},{"quantity":4},)"
                       R"({"variant_id":"cvd","quantity":5000},{"variant_id":"cva","quantity":7},"junk"]})");
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0].variant_id, "cva");
  EXPECT_EQ(items[0].quantity, 7);
  EXPECT_EQ(items[1].quantity, 3);
  EXPECT_EQ(items[2].variant_id, "cvd");
  EXPECT_EQ(items[2].quantity, kMaxLineQuantity);
}

TEST(CartSyncBody, MalformedBodiesGiveNothing) {
  for (const char* body : {"", "not json", "[]", R"({"items":{}})", R"({"items":"x"})", "null"}) {
    EXPECT_TRUE(parse_sync_items(body).empty()) << body;
  }
}

TEST(CartSyncBody, AtMostAHundredLines) {
  std::string body = R"({"items":[)";
  for (int i = 0; i < 150; ++i)
    body += (i ? "," : "") + std::string(R"({"variant_id":"cv)") + std::to_string(i) + R"(","quantity":1})";
  body += "]}";
  EXPECT_EQ(parse_sync_items(body).size(), static_cast<std::size_t>(kMaxCartLines));
}

}  // namespace
}  // namespace wh::commerce
