// Response values: shared bytes are referenced, not copied; header names are
// matched case-insensitively and replaced in place.
#include "http/message.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace wh::http {
namespace {

TEST(BytesTest, SharedBytesPointIntoTheOwnerAndKeepItAlive) {
  auto owner = std::make_shared<const std::string>(std::string(100000, 'x'));
  const char* data = owner->data();
  Bytes b = Bytes::shared(owner, *owner);
  Bytes copy = b;
  EXPECT_EQ(copy.view().data(), data) << "copying a shared Bytes must not copy the bytes";
  EXPECT_TRUE(copy.is_view());
  std::weak_ptr<const std::string> weak = owner;
  owner.reset();
  b = Bytes();
  EXPECT_FALSE(weak.expired()) << "a copy still holds the storage";
  EXPECT_EQ(copy.size(), 100000u);
  copy = Bytes();
  EXPECT_TRUE(weak.expired()) << "the last holder releases the storage";
}

TEST(BytesTest, OwnedBytesSurviveMoves) {
  Bytes a(std::string("short"));
  Bytes b = std::move(a);
  EXPECT_EQ(b.view(), "short");
  EXPECT_FALSE(b.is_view());
  static constexpr std::string_view kStatic = "static text";
  Bytes lit = Bytes::literal(kStatic);
  EXPECT_EQ(lit.view().data(), kStatic.data());
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response r;
  r.set_header("Cache-Control", "no-store");
  r.set_header("cache-control", Bytes::literal("public, max-age=60"));
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.find_header("CACHE-CONTROL"), std::optional<std::string_view>("public, max-age=60"));
  EXPECT_FALSE(r.find_header("ETag"));
}

}  // namespace
}  // namespace wh::http
