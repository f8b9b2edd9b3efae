// POST /api/orders: the old request and response shapes, validation, the
// reservation, the coupon and what each Paystack outcome leads to.
#include "orders/orders_fixture.h"
#include "support/json_checks.h"

namespace wh::test {
namespace {

// `s` has the shape of `pattern`: 'd' a digit, 'X' an upper-case hex digit,
// 'h' a lower-case hex digit or '-', anything else itself.
bool shaped(const std::string& s, const std::string& pattern) {
  if (s.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = pattern[i] == 'd'   ? std::isdigit(static_cast<unsigned char>(c)) != 0
              : pattern[i] == 'X' ? std::isdigit(static_cast<unsigned char>(c)) != 0 || (c >= 'A' && c <= 'F')
              : pattern[i] == 'h'
                  ? std::isdigit(static_cast<unsigned char>(c)) != 0 || (c >= 'a' && c <= 'f') || c == '-'
                  : c == pattern[i];
    if (!ok) return false;
  }
  return true;
}

using Checkout = OrdersApi;

TEST_F(Checkout, GuestOrderHasTheOldShapeReservesStockAndClearsTheCart) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-old-shape-1", {{v, 2}});
  auto r = place("session-old-shape-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(body.at("success"), true);
  EXPECT_EQ(body.at("message"), "Order created successfully");
  const auto& order = body.at("data").at("order").as_object();
  for (const char* k : {"id", "order_number", "status", "payment_status", "subtotal", "tax", "shipping", "total",
                        "items", "shipping_address", "created_at", "paystack_reference"}) {
    EXPECT_TRUE(order.contains(k)) << k;
  }
  std::string number(order.at("order_number").as_string());
  EXPECT_TRUE(shaped(number, "ORD-dddddddd-XXXXXX")) << number;
  std::string ref(order.at("paystack_reference").as_string());
  EXPECT_TRUE(shaped(ref, "ref_ddddddddddddd_hhhhhhhhh")) << ref;
  EXPECT_EQ(order.at("status"), "pending");
  EXPECT_EQ(order.at("payment_status"), "pending");
  EXPECT_TRUE(is_iso_time(order.at("created_at")));
  EXPECT_TRUE(order.at("total").is_number());
  const auto& item = order.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("variantId"), json::value(v));
  EXPECT_EQ(item.at("quantity"), 2);
  EXPECT_TRUE(item.at("unitPrice").is_number());

  const auto& payment = body.at("data").at("payment").as_object();
  EXPECT_EQ(payment.at("reference"), json::value(ref));
  EXPECT_EQ(payment.at("status"), "send_otp");
  EXPECT_EQ(payment.at("display_text"), "Please approve on your phone");
  EXPECT_EQ(payment.at("provider"), "mtn");
  EXPECT_EQ(payment.at("phone"), "0241234567");

  // The charge Paystack was asked for (§5.1).
  auto charges = paystack_->calls_to("/charge");
  ASSERT_EQ(charges.size(), 1u);
  const auto& sent = charges[0].body.as_object();
  double total = order.at("total").to_number<double>();
  EXPECT_EQ(sent.at("amount").to_number<long long>(), static_cast<long long>(total * 100 + 0.5));
  EXPECT_EQ(sent.at("currency"), "GHS");
  EXPECT_EQ(sent.at("reference"), json::value(ref));
  EXPECT_EQ(sent.at("mobile_money").at("phone"), "0241234567");
  EXPECT_EQ(sent.at("mobile_money").at("provider"), "mtn");
  EXPECT_EQ(sent.at("metadata").at("order_number"), json::value(number));
  EXPECT_EQ(sent.at("metadata").at("user_id"), "guest");

  EXPECT_EQ(reserved(v), 2);
  EXPECT_EQ(order_field(number, "payment_status"), "pending");
  EXPECT_EQ(guest_cart_lines("session-old-shape-1"), 0);
}

TEST_F(Checkout, ValidationListsEveryBadField) {
  json::object body{{"shipping_address", json::object{{"name", ""}}},
                    {"customer_email", "not-an-email"},
                    {"customer_phone", "12"},
                    {"payment_provider", "visa"},
                    {"notes", std::string(501, 'x')}};
  auto r = place("session-validation-1", body);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_type(r), "ValidationError");
  for (const char* f : {"shipping_address.name", "shipping_address.address", "shipping_address.phone", "customer_email",
                        "customer_phone", "payment_provider", "notes"}) {
    EXPECT_NE(r.body.find(std::string("\"field\":\"") + f + "\""), std::string::npos) << f << ": " << r.body;
  }
  EXPECT_TRUE(auth::has_field_error(r, "customer_email", "\"customer_email\" must be a valid email"));
  EXPECT_TRUE(auth::has_field_error(r, "payment_provider", "\"payment_provider\" must be one of [mtn, vod, tgo]"));
}

TEST_F(Checkout, PhoneThatIsNotAGhanaMobileNumberIs400BeforeAnyOrder) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-phone-1", {{v, 1}});
  auto before = qn("SELECT count(*) FROM orders");
  auto r = place("session-phone-1", checkout_body("a@example.com", "+1 415 555 0100"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(
      auth::has_field_error(r, "customer_phone", "Invalid Ghana phone number format. Use 0XXXXXXXXX or +233XXXXXXXXX"));
  EXPECT_EQ(qn("SELECT count(*) FROM orders"), before);
  EXPECT_EQ(reserved(v), 0);
  EXPECT_TRUE(paystack_->calls().empty());
}

TEST_F(Checkout, EmptyCartIs400) {
  auto r = place("session-empty-cart-1");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(auth::error_message(r), "Cart is empty");
}

TEST_F(Checkout, InsufficientStockIs409WithTheDetailsTheModalReads) {
  auto v = variant(0);
  set_stock(v, 3, 2);
  guest_cart("session-short-1", {{v, 2}});
  auto r = place("session-short-1");
  ASSERT_EQ(r.status, 409) << r.body;
  auto e = r.json().at("error").as_object();
  EXPECT_EQ(e.at("code"), "INSUFFICIENT_STOCK");
  EXPECT_EQ(e.at("details").at(0).at("requested"), 2);
  EXPECT_EQ(e.at("details").at(0).at("available"), 1);
  EXPECT_EQ(reserved(v), 2);
  EXPECT_TRUE(paystack_->calls().empty());
}

TEST_F(Checkout, RefusedChargeReleasesReservationAndCouponAtOnce) {
  auto v = variant(0);
  set_stock(v, 5);
  coupon("TENOFF", 10, 5);
  guest_cart("session-refused-1", {{v, 2}}, "TENOFF");
  paystack_->charge_mode(FakePaystack::Charge::refuse);
  auto r = place("session-refused-1");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("success"), false);
  EXPECT_EQ(auth::error_message(r), "Mobile money number is not valid");
  EXPECT_EQ(reserved(v), 0);
  EXPECT_EQ(coupon_uses("TENOFF"), 0);
  auto number =
      q("SELECT order_number FROM orders WHERE customer_email = 'shopper@example.com' AND coupon_code = 'TENOFF'");
  EXPECT_EQ(order_field(number, "status"), "pending");
  EXPECT_EQ(order_field(number, "payment_status"), "failed");
  EXPECT_EQ(guest_cart_lines("session-refused-1"), 1);  // kept: the shopper may try again

  // A second attempt may use the coupon again (the failed order does not count).
  paystack_->charge_mode(FakePaystack::Charge::accept);
  auto again = place("session-refused-1", checkout_body("shopper@example.com", "0241234568"));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(coupon_uses("TENOFF"), 1);
  EXPECT_EQ(reserved(v), 2);
}

TEST_F(Checkout, CouponMaxUsesHoldsUnderConcurrency) {
  auto v = variant(0);
  set_stock(v, 100);
  coupon("ONCE3", 10, 3, 1);
  constexpr int kN = 12;
  for (int i = 0; i < kN; ++i) guest_cart("session-coupon-" + std::to_string(i), {{v, 1}}, "ONCE3");
  std::vector<int> status(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      status[i] =
          place("session-coupon-" + std::to_string(i), checkout_body("buyer" + std::to_string(i) + "@example.com"))
              .status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 201), 3);
  EXPECT_EQ(std::count(status.begin(), status.end(), 400), kN - 3);
  EXPECT_EQ(coupon_uses("ONCE3"), 3);
  EXPECT_EQ(reserved(v), 3);
}

TEST_F(Checkout, StockChangeInvalidatesTheProductDetailAtOnce) {
  auto v = variant(0);
  auto product = product_of(v);
  set_stock(v, 10);
  guest_cart("session-detail-1", {{v, 3}});
  auto before = server_->get("/api/products/" + product);
  ASSERT_EQ(before.status, 200);
  server_->get("/api/products/" + product);  // cached now
  auto r = place("session-detail-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto after = server_->get("/api/products/" + product);
  ASSERT_EQ(after.status, 200);
  EXPECT_GT(after.statements(), 0) << "served from a cache entry the reservation should have invalidated";
  // Shoppers see what they can still buy: the 3 units held for the pending
  // order are not offered, while the shelf stock is unchanged.
  auto stock_in = [&](const HttpResult& r) -> std::int64_t {
    auto doc = r.json();
    for (const auto& x : doc.at("data").at("variants").as_array()) {
      if (x.at("id").as_string() == v) return x.at("stock").as_int64();
    }
    return -1;
  };
  EXPECT_EQ(stock_in(before), 10);
  EXPECT_EQ(stock_in(after), 7);
  EXPECT_EQ(q("SELECT stock FROM variants WHERE id = " + quote(v)), "10");
  auto single = server_->get("/api/variants/" + v);
  ASSERT_EQ(single.status, 200) << single.body;
  EXPECT_EQ(single.json().at("data").at("stock").as_int64(), 7);
}

}  // namespace
}  // namespace wh::test
