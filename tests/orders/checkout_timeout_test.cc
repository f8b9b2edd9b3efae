// A charge whose outcome is unknown (timeout, 5xx) is not a refusal: the
// reservation is kept until transaction/verify answers, then its answer is
// followed.
#include "orders/orders_fixture.h"

namespace wh::test {
namespace {

class CheckoutTimeout : public OrdersApi {
 protected:
  static void SetUpTestSuite() {
    start([](Config& c) {
      c.paystack_timeout = std::chrono::milliseconds(300);
      c.paystack_verify_retry = std::chrono::milliseconds(200);
      c.paystack_verify_attempts = 5;
    });
  }
};

TEST_F(CheckoutTimeout, KeepsTheReservationUntilVerifySaysFailedThenReleases) {
  auto v = variant(0);
  set_stock(v, 5);
  coupon("LATE10", 10, 10);
  guest_cart("session-timeout-1", {{v, 2}}, "LATE10");
  paystack_->latency(std::chrono::milliseconds(1500));
  // At once and on the first retry Paystack cannot answer; then: failed.
  paystack_->script_verify({FakePaystack::server_error(), FakePaystack::server_error()});
  paystack_->verify_default(FakePaystack::verify_status("failed"));
  auto r = place("session-timeout-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto number = order_number(r);
  EXPECT_EQ(r.json().at("data").at("payment").at("status"), "pending");
  // Not released while verify has not answered.
  EXPECT_EQ(reserved(v), 2);
  EXPECT_EQ(coupon_uses("LATE10"), 1);
  EXPECT_EQ(order_field(number, "payment_status"), "pending");
  EXPECT_EQ(guest_cart_lines("session-timeout-1"), 1);
  ASSERT_TRUE(auth::wait_until([&] { return reserved(v) == 0; }, std::chrono::milliseconds(5000)));
  EXPECT_EQ(coupon_uses("LATE10"), 0);
  EXPECT_EQ(order_field(number, "payment_status"), "failed");
  EXPECT_EQ(order_field(number, "status"), "pending");
  EXPECT_GE(paystack_->calls_to("/transaction/verify/").size(), 3u);
}

TEST_F(CheckoutTimeout, VerifySuccessKeepsTheReservationForTheWebhook) {
  auto v = variant(0);
  set_stock(v, 5);
  guest_cart("session-timeout-2", {{v, 1}});
  paystack_->latency(std::chrono::milliseconds(1500));
  paystack_->verify_default(FakePaystack::verify_status("success"));
  auto r = place("session-timeout-2");
  ASSERT_EQ(r.status, 201) << r.body;
  auto number = order_number(r);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(reserved(v), 1);
  EXPECT_EQ(order_field(number, "payment_status"), "pending");  // the payment webhook marks it paid
  EXPECT_EQ(guest_cart_lines("session-timeout-2"), 0);
}

TEST_F(CheckoutTimeout, ServerErrorIsNotARefusal) {
  auto v = variant(0);
  set_stock(v, 5);
  guest_cart("session-5xx-1", {{v, 1}});
  paystack_->charge_mode(FakePaystack::Charge::server_error);
  paystack_->verify_default(FakePaystack::verify_status("pending"));
  auto r = place("session-5xx-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(reserved(v), 1);
  EXPECT_EQ(paystack_->calls_to("/transaction/verify/").size(), 1u);
}

}  // namespace
}  // namespace wh::test
