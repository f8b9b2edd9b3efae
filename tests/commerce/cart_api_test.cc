// The cart API (reference §1.6) on the real server and database: shapes,
// guest and user carts, available-stock limits, lost-update freedom under
// parallel adds, live prices and settings, and privacy of every response.
#include <map>
#include <regex>
#include <thread>
#include <vector>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using CartApi = CommerceApi;

const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

TEST_F(CartApi, GuestWithoutSessionGetsOneIssuedAndAnEmptyPrivateCart) {
  auto r = call("GET", "/api/cart");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string session = r.header("x-session-id");
  EXPECT_TRUE(std::regex_match(session, kUuid)) << session;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  auto c = cart(r);
  EXPECT_TRUE(c.at("id").is_null());
  EXPECT_TRUE(c.at("items").as_array().empty());
  for (const char* k : {"items_count", "subtotal", "tax", "shipping", "total"}) EXPECT_EQ(num(c.at(k)), 0) << k;
  EXPECT_EQ(c.at("discount"), json::parse(R"({"amount":0,"code":null})"));
  EXPECT_TRUE(c.at("couponError").is_null());
  EXPECT_TRUE(c.at("userId").is_null());
  EXPECT_EQ(str(c.at("sessionId")), session);
  EXPECT_EQ(str(c.at("type")), "guest");
  EXPECT_EQ(qn("SELECT count(*) FROM guest_carts"), 0) << "carts are created lazily";
  // A session the client already has is used, never replaced.
  auto again = call("GET", "/api/cart", nullptr, "", session);
  EXPECT_EQ(again.header("x-session-id"), "");
}

TEST_F(CartApi, GuestLinesBelongToTheirSessionWithTheEnrichedItemShape) {
  std::string v = variant(0, "45.50", 20);
  std::string session = "guest-session-0001";
  auto r = add(v, 2, "", session);
  auto c = cart(r);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(str(r.json().at("message")), "Item added to cart");
  EXPECT_EQ(str(c.at("id")), q("SELECT id FROM guest_carts WHERE session_id = " + quote(session)));
  ASSERT_EQ(c.at("items").as_array().size(), 1U);
  auto item = c.at("items").at(0).as_object();
  for (const char* k : {"variant_id", "product_id", "product_name", "sku", "quantity", "unit_price", "subtotal",
                        "stock_available", "stock_status", "images", "attributes", "is_active", "category"}) {
    EXPECT_TRUE(item.contains(k)) << k;
  }
  EXPECT_EQ(str(item.at("variant_id")), v);
  EXPECT_EQ(num(item.at("quantity")), 2);
  EXPECT_EQ(num(item.at("unit_price")), 45.5);
  EXPECT_EQ(num(item.at("subtotal")), 91);
  EXPECT_EQ(num(item.at("stock_available")), 20);
  EXPECT_EQ(str(item.at("stock_status")), "in_stock");
  EXPECT_TRUE(item.at("is_active").as_bool());
  for (const char* k : {"length", "color", "texture", "size"})
    EXPECT_TRUE(item.at("attributes").as_object().contains(k));
  EXPECT_EQ(num(c.at("items_count")), 2);
  EXPECT_EQ(num(c.at("subtotal")), 91);
  ASSERT_EQ(add(variant(1), 1, "", session).status, 200);
  auto read = call("GET", "/api/cart", nullptr, "", session);
  EXPECT_EQ(cart(read).at("items").as_array().size(), 2U);
  EXPECT_EQ(read.statements(), 1) << "one statement for the whole cart, whatever its size";
  EXPECT_TRUE(get_cart("", "guest-session-0002").at("items").as_array().empty()) << "another session, another cart";
  EXPECT_TRUE(get_cart(customer_, session).at("items").as_array().empty()) << "a signed-in caller has a user cart";
}

TEST_F(CartApi, UserCartIsCreatedOnFirstWriteAndShowsItsOwner) {
  std::string uid = user_id(customer_email_);
  auto c = get_cart(customer_);
  EXPECT_TRUE(c.at("id").is_null());
  EXPECT_EQ(str(c.at("userId")), uid);
  EXPECT_TRUE(c.at("sessionId").is_null());
  EXPECT_EQ(str(c.at("type")), "user");
  EXPECT_EQ(qn("SELECT count(*) FROM carts"), 0);
  std::string v = variant(1);
  c = cart(add(v, 3, customer_));
  EXPECT_EQ(str(c.at("id")), q("SELECT id FROM carts WHERE user_id = " + quote(uid)));
  EXPECT_EQ(num(c.at("items_count")), 3);
  EXPECT_TRUE(get_cart(other_).at("items").as_array().empty());
}

TEST_F(CartApi, QuantitiesAreLimitedByAvailableStock) {
  std::string v = variant(2, "10.00", 10, 7);  // 3 available
  auto ok = add(v, 3, customer_);
  auto item = cart(ok).at("items").at(0);
  EXPECT_EQ(num(item.at("stock_available")), 3);
  EXPECT_EQ(str(item.at("stock_status")), "low_stock");
  auto more = add(v, 1, customer_);
  EXPECT_EQ(more.status, 409) << more.body;
  EXPECT_EQ(auth::error_message(more), "Insufficient stock. Available: 3");
  EXPECT_EQ(call("PATCH", "/api/cart/items/" + v, json::object{{"quantity", 4}}, customer_).status, 409);
  auto set = cart(call("PATCH", "/api/cart/items/" + v, json::object{{"quantity", 2}}, customer_));
  EXPECT_EQ(num(set.at("items").at(0).at("quantity")), 2);
  // Reservations made after the line was added are seen at once.
  q("UPDATE variants SET reserved_stock = 10 WHERE id = " + quote(v));
  EXPECT_EQ(str(get_cart(customer_).at("items").at(0).at("stock_status")), "out_of_stock");
}

TEST_F(CartApi, BadInputIsAClearClientError) {
  std::string v = variant(3, "10.00", 2000);
  auto big = add(v, 1000, customer_);
  EXPECT_EQ(big.status, 400);
  EXPECT_TRUE(auth::has_field_error(big, "quantity", "\"quantity\" must be less than or equal to 999")) << big.body;
  auto zero = add(v, 0, customer_);
  EXPECT_EQ(zero.status, 400) << zero.body;
  auto missing = call("POST", "/api/cart/items", json::object{}, customer_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(auth::has_field_error(missing, "variantId", "\"variantId\" is required")) << missing.body;
  EXPECT_TRUE(auth::has_field_error(missing, "quantity", "\"quantity\" is required")) << missing.body;
  EXPECT_EQ(add("cnosuchvariant000000000000", 1, customer_).status, 404);
  EXPECT_EQ(add("bad id'", 1, customer_).status, 404);
  EXPECT_EQ(raw("POST", "/api/cart/items", "{not json", customer_).status, 400);
  ASSERT_EQ(add(v, 999, customer_).status, 200);
  auto over = add(v, 1, customer_);
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(auth::error_message(over), "Maximum quantity per item is 999");
  q("UPDATE variants SET is_active = false WHERE id = " + quote(v));
  EXPECT_EQ(auth::error_message(add(v, 1, other_)), "Product is no longer available");
}

TEST_F(CartApi, PatchZeroAndDeleteRemoveLinesAndClearEmptiesTheCart) {
  std::string a = variant(4), b = variant(5), c = variant(6);
  for (const auto& v : {a, b, c}) ASSERT_EQ(add(v, 1, customer_).status, 200);
  auto patched = call("PATCH", "/api/cart/items/" + a, json::object{{"quantity", 0}}, customer_);
  EXPECT_EQ(str(patched.json().at("message")), "Cart updated");
  EXPECT_EQ(cart(patched).at("items").as_array().size(), 2U);
  auto removed = call("DELETE", "/api/cart/items/" + b, nullptr, customer_);
  EXPECT_EQ(str(removed.json().at("message")), "Item removed from cart");
  EXPECT_EQ(cart(removed).at("items").as_array().size(), 1U);
  auto cleared = call("DELETE", "/api/cart", nullptr, customer_);
  EXPECT_EQ(cleared.status, 200);
  EXPECT_EQ(cleared.json(), json::parse(R"({"success":true,"message":"Cart cleared"})"));
  EXPECT_TRUE(get_cart(customer_).at("items").as_array().empty());
}

TEST_F(CartApi, AHundredDistinctLinesAtMost) {
  std::string uid = user_id(customer_email_);
  std::string v = variant(0);
  ASSERT_EQ(add(v, 1, customer_).status, 200);
  q("INSERT INTO cart_items (id, cart_id, variant_id, quantity, updated_at)"
    " SELECT 'x' || v.id, c.id, v.id, 1, now() FROM carts c, (SELECT id FROM variants WHERE id <> " +
    quote(v) + " ORDER BY id LIMIT 99) v WHERE c.user_id = " + quote(uid));
  std::string extra = variant(150);
  auto r = add(extra, 1, customer_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(auth::error_message(r), "Maximum 100 different items allowed in cart");
  EXPECT_EQ(add(v, 1, customer_).status, 200) << "an existing line may still grow";
}

// 20 parallel adds of one unit on one cart: none is lost, and the stock
// cap holds under the race.
TEST_F(CartApi, ParallelAddsOnOneCartLoseNoUpdate) {
  std::string plenty = variant(7, "5.00", 100);
  std::string scarce = variant(8, "5.00", 12);
  std::vector<int> statuses(40);
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] { statuses[i] = add(i % 2 == 0 ? plenty : scarce, 1, customer_).status; });
  }
  for (auto& t : threads) t.join();
  int scarce_ok = 0;
  for (int i = 0; i < 40; ++i) {
    if (i % 2 == 0) {
      EXPECT_EQ(statuses[i], 200);
    } else {
      EXPECT_TRUE(statuses[i] == 200 || statuses[i] == 409) << statuses[i];
      scarce_ok += statuses[i] == 200;
    }
  }
  EXPECT_EQ(scarce_ok, 12);
  EXPECT_EQ(qn("SELECT quantity FROM cart_items WHERE variant_id = " + quote(plenty)), 20);
  EXPECT_EQ(qn("SELECT quantity FROM cart_items WHERE variant_id = " + quote(scarce)), 12);
}

TEST_F(CartApi, TotalsFollowTheAdminSettingsOnTheNextRead) {
  std::string v = variant(9, "40.00");
  ASSERT_EQ(add(v, 2, customer_).status, 200);  // subtotal 80
  auto setting = [&](const char* key, const char* value) {
    auto r = call("POST", "/api/admin/settings", json::object{{"key", key}, {"value", value}}, admin_);
    ASSERT_EQ(r.status, 200) << r.body;
  };
  setting("taxRate", "0");
  setting("shippingFlatRate", "10");
  setting("freeShippingThreshold", "100");
  auto c = get_cart(customer_);  // warms the settings cache
  EXPECT_EQ(num(c.at("tax")), 0);
  EXPECT_EQ(num(c.at("shipping")), 10);
  EXPECT_EQ(num(c.at("total")), 90);
  setting("taxRate", "12.5");
  setting("shippingFlatRate", "7.5");
  c = get_cart(customer_);
  EXPECT_EQ(num(c.at("tax")), 10);
  EXPECT_EQ(num(c.at("shipping")), 7.5);
  EXPECT_EQ(num(c.at("total")), 97.5);
  setting("freeShippingThreshold", "80");
  c = get_cart(customer_);
  EXPECT_EQ(num(c.at("shipping")), 0) << "subtotal >= threshold ships free";
  EXPECT_EQ(num(c.at("total")), 90);
}

TEST_F(CartApi, PriceChangesBySomeAdminAreSeenByTheNextRead) {
  std::string v = variant(10, "30.00");
  ASSERT_EQ(add(v, 1, customer_).status, 200);
  EXPECT_EQ(num(get_cart(customer_).at("subtotal")), 30);
  auto r = call("PATCH", "/api/admin/variants/" + v, json::object{{"price", 35.25}}, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = get_cart(customer_);
  EXPECT_EQ(num(c.at("items").at(0).at("unit_price")), 35.25);
  EXPECT_EQ(num(c.at("subtotal")), 35.25);
  q("UPDATE variants SET price = 0 WHERE id = " + quote(v));
  EXPECT_EQ(num(get_cart(customer_).at("subtotal")), 999) << "price 0 falls back to the product's base price";
}

TEST_F(CartApi, ValidateReportsIssuesAndValidateCheckoutRefuses) {
  auto empty = call("POST", "/api/cart/validate-checkout", nullptr, customer_);
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(auth::error_message(empty), "Cart is empty");
  std::string short_of = variant(11, "10.00", 5), gone = variant(12, "10.00", 5), off = variant(13, "10.00", 5);
  for (const auto& v : {short_of, gone, off}) ASSERT_EQ(add(v, 3, customer_).status, 200);
  auto fine = data(call("POST", "/api/cart/validate", nullptr, customer_));
  EXPECT_TRUE(fine.at("valid").as_bool());
  EXPECT_TRUE(fine.at("issues").as_array().empty());
  EXPECT_EQ(cart(call("POST", "/api/cart/validate-checkout", nullptr, customer_)).at("items").as_array().size(), 3U);
  q("UPDATE variants SET reserved_stock = 3 WHERE id = " + quote(short_of));
  q("UPDATE variants SET stock = 0 WHERE id = " + quote(gone));
  q("UPDATE variants SET is_active = false WHERE id = " + quote(off));
  auto d = data(call("POST", "/api/cart/validate", nullptr, customer_));
  EXPECT_FALSE(d.at("valid").as_bool());
  std::map<std::string, json::object> by_variant;
  for (const auto& i : d.at("issues").as_array()) by_variant[str(i.at("variant_id"))] = i.as_object();
  ASSERT_EQ(by_variant.size(), 3U);
  EXPECT_EQ(str(by_variant[short_of].at("type")), "insufficient_stock");
  EXPECT_EQ(str(by_variant[short_of].at("message")), "Only 2 left in stock");
  EXPECT_EQ(num(by_variant[short_of].at("available_quantity")), 2);
  EXPECT_EQ(num(by_variant[short_of].at("requested_quantity")), 3);
  EXPECT_EQ(str(by_variant[short_of].at("action")), "reduce_quantity_required");
  EXPECT_EQ(str(by_variant[gone].at("type")), "out_of_stock");
  EXPECT_EQ(str(by_variant[off].at("type")), "no_longer_available");
  EXPECT_EQ(str(by_variant[off].at("action")), "remove_required");
  EXPECT_EQ(d.at("cart").at("items").as_array().size(), 3U) << "nothing is fixed";
  auto refused = call("POST", "/api/cart/validate-checkout", nullptr, customer_);
  EXPECT_EQ(refused.status, 400);
  auto body = refused.json();
  EXPECT_EQ(str(body.at("error").at("type")), "CartValidationError");
  EXPECT_EQ(body.at("error").at("issues").as_array().size(), 3U);
  EXPECT_EQ(body.at("data").at("cart").at("items").as_array().size(), 3U);
}

// sendBeacon posts text/plain; the sync sets quantities, so repeating it
// changes nothing.
TEST_F(CartApi, SyncSetsQuantitiesSoRepeatingItDoesNotInflate) {
  std::string a = variant(14, "10.00", 50), b = variant(15, "10.00", 4);
  ASSERT_EQ(add(a, 9, customer_).status, 200);
  std::string beacon = json::serialize(
      json::object{{"items", json::array{json::object{{"variant_id", a}, {"quantity", 2}, {"product_name", "x"}},
                                         json::object{{"variant_id", b}, {"quantity", 6}},
                                         json::object{{"variant_id", "cnosuchvariant"}, {"quantity", 1}}}}});
  for (int i = 0; i < 2; ++i) {
    auto r = raw("POST", "/api/cart/sync", beacon, customer_, "", "text/plain;charset=UTF-8");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Synced 2 items","synced":2})"));
    EXPECT_EQ(qn("SELECT quantity FROM cart_items WHERE variant_id = " + quote(a)), 2);
    EXPECT_EQ(qn("SELECT quantity FROM cart_items WHERE variant_id = " + quote(b)), 4) << "capped by stock";
  }
  auto guest = raw("POST", "/api/cart/sync", beacon, "", "guest-session-0003", "text/plain");
  EXPECT_EQ(guest.json(), json::parse(R"({"success":true,"message":"Nothing to sync"})"));
  EXPECT_EQ(raw("POST", "/api/cart/sync", "garbage", customer_, "", "text/plain").status, 200);
}

// The storefront's background sync (useCart's scheduleSync, full local
// quantities) and its add-to-cart (increments) send the very same request,
// POST /api/cart/items {variantId, quantity}: nothing tells them apart, so
// that route keeps adding, and the sync the storefront needs sets each line
// (docs/commerce.md): PATCH per line, which creates a missing one, or
// POST /api/cart/sync as JSON. Repeating either changes nothing.
TEST_F(CartApi, AddToCartAddsWhileSettingSyncsNeverInflate) {
  std::string a = variant(16, "10.00", 50), b = variant(17, "10.00", 50);
  auto quantity = [&](const std::string& v) {
    return qn("SELECT i.quantity FROM cart_items i JOIN carts c ON c.id = i.cart_id WHERE i.variant_id = " + quote(v) +
              " AND c.user_id = " + quote(user_id(customer_email_)));
  };
  ASSERT_EQ(call("DELETE", "/api/cart", nullptr, customer_).status, 200);
  ASSERT_EQ(add(a, 2, customer_).status, 200);
  ASSERT_EQ(add(a, 1, customer_).status, 200);
  EXPECT_EQ(quantity(a), 3);
  std::string local =
      json::serialize(json::object{{"items", json::array{json::object{{"variant_id", a}, {"quantity", 3}},
                                                         json::object{{"variant_id", b}, {"quantity", 2}}}}});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(call("PATCH", "/api/cart/items/" + a, json::object{{"quantity", 3}}, customer_).status, 200);
    ASSERT_EQ(call("PATCH", "/api/cart/items/" + b, json::object{{"quantity", 2}}, customer_).status, 200);
    ASSERT_EQ(raw("POST", "/api/cart/sync", local, customer_, "", "application/json").status, 200);
    EXPECT_EQ(quantity(a), 3);
    EXPECT_EQ(quantity(b), 2);
  }
  ASSERT_EQ(add(a, 1, customer_).status, 200);
  EXPECT_EQ(quantity(a), 4);
}

}  // namespace
}  // namespace wh::test
