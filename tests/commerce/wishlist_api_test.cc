// The wishlist (reference §1.11): the old shapes (with the category object
// the storefront reads), available stock, the old errors, one row per
// product under concurrent adds, each shopper's own list.
#include <thread>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using WishlistApi = CommerceApi;

std::string product_of(const std::string& variant_id) {
  return CommerceApi::q("SELECT product_id FROM variants WHERE id = " + CommerceApi::quote(variant_id));
}

HttpResult wish(const std::string& product, const std::string& token) {
  return CommerceApi::call("POST", "/api/wishlist", json::object{{"productId", product}}, token);
}

TEST_F(WishlistApi, SignedInCustomersOnly) {
  EXPECT_EQ(call("GET", "/api/wishlist").status, 401);
  EXPECT_EQ(call("POST", "/api/wishlist", json::object{{"productId", "x"}}).status, 401);
  EXPECT_EQ(call("GET", "/api/wishlist", nullptr, customer_).header("cache-control"), "private, no-store");
}

TEST_F(WishlistApi, AddListRemoveInTheOldShape) {
  auto v = variant(3, "120.50", 100, 10);
  auto product = product_of(v);
  auto added = wish(product, customer_);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json().at("message"), "Added to wishlist");
  auto item = added.json().at("data").as_object();
  for (const char* k : {"id", "userId", "productId", "createdAt", "product"}) EXPECT_TRUE(item.contains(k)) << k;
  EXPECT_EQ(str(item.at("userId")), user_id(customer_email_));
  EXPECT_EQ(str(item.at("productId")), product);

  auto listed = call("GET", "/api/wishlist", nullptr, customer_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto doc = listed.json().as_object();
  EXPECT_EQ(doc.at("count").as_int64(), 1);
  auto items = doc.at("data").as_array();
  ASSERT_EQ(items.size(), 1U);
  auto p = items[0].at("product").as_object();
  for (const char* k : {"id", "name", "basePrice", "images", "category", "isFeatured", "isActive", "variants"}) {
    EXPECT_TRUE(p.contains(k)) << k;
  }
  EXPECT_EQ(
      str(p.at("category").at("slug")),
      q("SELECT c.slug FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = " + quote(product)));
  bool found = false;
  for (const auto& x : p.at("variants").as_array()) {
    if (str(x.at("id")) != v) continue;
    found = true;
    EXPECT_EQ(x.at("stock").as_int64(), 90) << "available stock: stock minus reserved";
    EXPECT_EQ(str(x.at("price")), "120.5") << "money as the catalog writes it";
  }
  EXPECT_TRUE(found);

  auto removed = call("DELETE", "/api/wishlist/" + product, nullptr, customer_);
  EXPECT_EQ(removed.json(), json::parse(R"({"success":true,"message":"Removed from wishlist"})"));
  EXPECT_EQ(call("DELETE", "/api/wishlist/" + product, nullptr, customer_).status, 404);
  EXPECT_EQ(call("GET", "/api/wishlist", nullptr, customer_).json().at("count").as_int64(), 0);
}

TEST_F(WishlistApi, BadInputGetsTheOldErrors) {
  auto product = product_of(variant(4));
  auto missing = call("POST", "/api/wishlist", json::object{}, customer_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json().at("error").at("message"), "Product ID is required");
  auto malformed = wish("short", customer_);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.json().at("error").at("message"), "Invalid product ID format");
  EXPECT_EQ(call("POST", "/api/wishlist", json::object{{"productId", 42}}, customer_).status, 400);
  EXPECT_EQ(wish("cnosuchproduct0000000000", customer_).status, 404);
  ASSERT_EQ(wish(product, customer_).status, 201);
  auto again = wish(product, customer_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json().at("error").at("message"), "Item already in wishlist");
  // A product taken off sale: no longer listed, and cannot be added.
  q("UPDATE products SET is_active = false WHERE id = " + quote(product));
  EXPECT_EQ(call("GET", "/api/wishlist", nullptr, customer_).json().at("count").as_int64(), 0);
  auto inactive = wish(product, other_);
  q("UPDATE products SET is_active = true WHERE id = " + quote(product));
  EXPECT_EQ(inactive.status, 400);
  EXPECT_EQ(inactive.json().at("error").at("message"), "This product is no longer available");
  EXPECT_EQ(call("DELETE", "/api/wishlist/" + product, nullptr, customer_).status, 200);
}

TEST_F(WishlistApi, ConcurrentAddsKeepOneRowAndListsAreEachShoppersOwn) {
  auto product = product_of(variant(5));
  std::vector<HttpResult> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { results[i] = wish(product, customer_); });
  for (auto& t : threads) t.join();
  int created = 0, conflicts = 0;
  for (const auto& r : results) {
    created += r.status == 201 ? 1 : 0;
    conflicts += r.status == 409 ? 1 : 0;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, 7);
  EXPECT_EQ(qn("SELECT count(*) FROM wishlist WHERE product_id = " + quote(product)), 1);
  EXPECT_EQ(call("GET", "/api/wishlist", nullptr, other_).json().at("count").as_int64(), 0);
  EXPECT_EQ(call("DELETE", "/api/wishlist/" + product, nullptr, other_).status, 404) << "not the other's item";
  EXPECT_EQ(call("DELETE", "/api/wishlist/" + product, nullptr, customer_).status, 200);
}

}  // namespace
}  // namespace wh::test
