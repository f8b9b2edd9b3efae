// Coupons on the cart (apply, refusals, an invalid one dropped with
// couponError) and the guest cart merged on login and register.
#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using CartCoupon = CommerceApi;
using CartMerge = CommerceApi;

// Subtotal 80 with no tax, flat shipping 10 and free shipping from 100.
std::string cart_of_80(CommerceApi& t, const std::string& token, const std::string& session = "") {
  t.q("UPDATE system_settings SET value = CASE key WHEN 'taxRate' THEN '0' WHEN 'shippingFlatRate' THEN '10'"
      " ELSE '100' END WHERE key IN ('taxRate', 'shippingFlatRate', 'freeShippingThreshold')");
  std::string v = CommerceApi::variant(20, "40.00");
  EXPECT_EQ(CommerceApi::add(v, 2, token, session).status, 200);
  return v;
}

TEST_F(CartCoupon, AppliedCodeDiscountsTheSubtotalUntilRemoved) {
  cart_of_80(*this, customer_);
  discount("SAVE10", "percentage", "10");
  auto r = call("POST", "/api/cart/apply-coupon", json::object{{"code", " save10 "}}, customer_);
  auto c = cart(r);
  EXPECT_EQ(str(r.json().at("message")), "Coupon applied successfully");
  EXPECT_EQ(c.at("discount"), json::parse(R"({"amount":8.0,"code":"SAVE10","type":"percentage","value":10.0})"));
  EXPECT_EQ(num(c.at("subtotal")), 80);
  EXPECT_EQ(num(c.at("shipping")), 10);
  EXPECT_EQ(num(c.at("total")), 82);
  EXPECT_EQ(get_cart(customer_).at("discount"), c.at("discount"));
  auto removed = cart(call("DELETE", "/api/cart/remove-coupon", nullptr, customer_));
  EXPECT_EQ(removed.at("discount"), json::parse(R"({"amount":0,"code":null})"));
  EXPECT_EQ(num(removed.at("total")), 90);
}

TEST_F(CartCoupon, RefusalsSayWhy) {
  discount("BIGSPEND", "fixed", "20", "100");
  discount("ONCE", "fixed", "5");
  auto empty = call("POST", "/api/cart/apply-coupon", json::object{{"code", "ONCE"}}, customer_);
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(auth::error_message(empty), "Cart is empty");
  cart_of_80(*this, customer_);
  auto missing = call("POST", "/api/cart/apply-coupon", json::object{}, customer_);
  EXPECT_TRUE(auth::has_field_error(missing, "code", "\"code\" is required")) << missing.body;
  auto unknown = call("POST", "/api/cart/apply-coupon", json::object{{"code", "NOPE"}}, customer_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(auth::error_message(unknown), "Invalid discount code");
  auto minimum = call("POST", "/api/cart/apply-coupon", json::object{{"code", "BIGSPEND"}}, customer_);
  EXPECT_EQ(minimum.status, 400);
  EXPECT_NE(auth::error_message(minimum).find("minimum purchase"), std::string::npos) << minimum.body;
  // One use per customer: an order of this customer with the code counts.
  q("UPDATE orders SET user_id = " + quote(user_id(customer_email_)) +
    ", coupon_code = 'ONCE', status = 'processing' WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1)");
  auto used = call("POST", "/api/cart/apply-coupon", json::object{{"code", "once"}}, customer_);
  EXPECT_EQ(used.status, 400);
  EXPECT_EQ(auth::error_message(used), "You have already used this discount code");
  EXPECT_EQ(q("SELECT coalesce(coupon_code, 'none') FROM carts"), "none");
}

TEST_F(CartCoupon, ACodeThatStopsApplyingIsDroppedAndReportedOnce) {
  cart_of_80(*this, customer_);
  discount("FLASH", "fixed", "15");
  ASSERT_EQ(call("POST", "/api/cart/apply-coupon", json::object{{"code", "FLASH"}}, customer_).status, 200);
  EXPECT_EQ(num(get_cart(customer_).at("total")), 75);
  q("UPDATE discount_codes SET is_active = false WHERE code = 'FLASH'");
  auto c = get_cart(customer_);
  EXPECT_EQ(c.at("couponError"), json::parse(R"({"code":"FLASH","message":"Invalid discount code"})"));
  EXPECT_EQ(c.at("discount"), json::parse(R"({"amount":0,"code":null})"));
  EXPECT_EQ(num(c.at("total")), 90);
  EXPECT_EQ(q("SELECT coalesce(coupon_code, 'none') FROM carts"), "none");
  EXPECT_TRUE(get_cart(customer_).at("couponError").is_null());
}

// The lines of `email`'s cart as "variant=quantity" in variant order.
std::string user_lines(CommerceApi& t, const std::string& email) {
  return t.q(
      "SELECT coalesce(string_agg(i.variant_id || '=' || i.quantity, ',' ORDER BY i.variant_id), '')"
      " FROM cart_items i JOIN carts c ON c.id = i.cart_id JOIN users u ON u.id = c.user_id WHERE u.email = " +
      CommerceApi::quote(email));
}

TEST_F(CartMerge, LoginTakesTheLargerQuantityNeverTheSum) {
  std::string a = variant(21), b = variant(22);
  if (a > b) std::swap(a, b);
  std::string session = "merge-session-0001";
  ASSERT_EQ(add(a, 5, customer_).status, 200);
  ASSERT_EQ(add(a, 2, "", session).status, 200);
  ASSERT_EQ(add(b, 3, "", session).status, 200);
  auto r = server_->login(customer_email_, auth::kCustomerPassword, {{"X-Session-ID", session}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json().at("data").as_object();
  EXPECT_EQ(d.size(), 3U);
  for (const char* k : {"user", "accessToken", "refreshToken"}) EXPECT_TRUE(d.contains(k)) << k;
  EXPECT_EQ(user_lines(*this, customer_email_), a + "=5," + b + "=3");
  EXPECT_EQ(qn("SELECT count(*) FROM guest_carts"), 0);
  // The same guest adds the same line again and signs in again.
  ASSERT_EQ(add(b, 3, "", session).status, 200);
  ASSERT_EQ(server_->login(customer_email_, auth::kCustomerPassword, {{"X-Session-ID", session}}).status, 200);
  EXPECT_EQ(user_lines(*this, customer_email_), a + "=5," + b + "=3");
}

TEST_F(CartMerge, RegisterAdoptsTheGuestCartAndItsCoupon) {
  std::string session = "merge-session-0002";
  std::string v = cart_of_80(*this, "", session);
  discount("WELCOME", "fixed", "5");
  ASSERT_EQ(call("POST", "/api/cart/apply-coupon", json::object{{"code", "WELCOME"}}, "", session).status, 200);
  auto r = server_->post("/api/auth/register",
                         json::object{{"email", "newbuyer@example.com"},
                                      {"password", auth::kCustomerPassword},
                                      {"firstName", "New"},
                                      {"lastName", "Buyer"}},
                         {{"X-Session-ID", session}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(user_lines(*this, "newbuyer@example.com"), v + "=2");
  EXPECT_EQ(q("SELECT c.coupon_code FROM carts c JOIN users u ON u.id = c.user_id"
              " WHERE u.email = 'newbuyer@example.com'"),
            "WELCOME");
  EXPECT_EQ(qn("SELECT count(*) FROM guest_carts"), 0);
}

TEST_F(CartMerge, MergedLinesAreCappedByAvailableStockAndGoneVariantsDropped) {
  std::string a = variant(23, "10.00", 10), b = variant(24, "10.00", 10);
  std::string session = "merge-session-0003";
  ASSERT_EQ(add(a, 5, "", session).status, 200);
  ASSERT_EQ(add(b, 1, "", session).status, 200);
  q("UPDATE variants SET stock = 3, reserved_stock = 1 WHERE id = " + quote(a));
  q("UPDATE variants SET is_active = false WHERE id = " + quote(b));
  ASSERT_EQ(server_->login(customer_email_, auth::kCustomerPassword, {{"X-Session-ID", session}}).status, 200);
  EXPECT_EQ(user_lines(*this, customer_email_), a + "=2");
}

TEST_F(CartMerge, NoGuestCartMeansNoWrite) {
  ASSERT_EQ(server_->login(customer_email_, auth::kCustomerPassword, {{"X-Session-ID", "merge-session-none"}}).status,
            200);
  EXPECT_EQ(qn("SELECT count(*) FROM carts"), 0);
}

}  // namespace
}  // namespace wh::test
