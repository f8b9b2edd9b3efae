// Idempotent order creation: an Idempotency-Key replays the first order
// (422 with another body); without one, a double submit within the window
// returns the first order.
#include "orders/orders_fixture.h"

namespace wh::test {
namespace {

using CheckoutIdempotency = OrdersApi;

TEST_F(CheckoutIdempotency, SameKeySameBodyReplaysTheFirstOrder) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-idem-1", {{v, 1}});
  Headers key{{"Idempotency-Key", "key-0001"}};
  auto first = place("session-idem-1", checkout_body(), key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = place("session-idem-1", checkout_body(), key);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(order_number(second), order_number(first));
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(paystack_->calls_to("/charge").size(), 1u);
  EXPECT_EQ(reserved(v), 1);

  auto other = place("session-idem-1", checkout_body("someone.else@example.com"), key);
  ASSERT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(paystack_->calls_to("/charge").size(), 1u);
}

TEST_F(CheckoutIdempotency, ConcurrentRequestsWithOneKeyMakeOneOrder) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-idem-2", {{v, 1}});
  paystack_->latency(std::chrono::milliseconds(300));
  std::vector<HttpResult> results(5);
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      results[i] = place("session-idem-2", checkout_body(), {{"Idempotency-Key", "k2"}});
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(order_number(r), order_number(results[0]));
  }
  EXPECT_EQ(paystack_->calls_to("/charge").size(), 1u);
  EXPECT_EQ(reserved(v), 1);
}

TEST_F(CheckoutIdempotency, DoubleSubmitWithoutAKeyReturnsTheFirstOrder) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-double-1", {{v, 1}});
  auto first = place("session-double-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = place("session-double-1");  // the cart is empty now: still the first order
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(order_number(second), order_number(first));
  EXPECT_EQ(qn("SELECT count(*) FROM orders WHERE customer_email = 'shopper@example.com'"), 1);
}

TEST_F(CheckoutIdempotency, AFailedAttemptDoesNotBlockARetry) {
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-retry-1", {{v, 1}});
  paystack_->charge_mode(FakePaystack::Charge::refuse);
  ASSERT_EQ(place("session-retry-1").status, 400);
  paystack_->charge_mode(FakePaystack::Charge::accept);
  auto r = place("session-retry-1");
  ASSERT_EQ(r.status, 201) << r.body;
}

}  // namespace
}  // namespace wh::test
