// Idempotent order creation: an Idempotency-Key replays the first order
// (422 with another body); without one, a double submit within the window
// returns the first order.
#include <libpq-fe.h>

#include "orders/orders_fixture.h"
#include "support/test_env.h"

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

// The sweep of expired keys (on the first claim of this process, then every
// 256th) skips keys another session holds instead of waiting for them, and
// the order goes through.
TEST_F(CheckoutIdempotency, TheSweepSkipsKeysHeldElsewhereAndTheOrderGoesThrough) {
  q("INSERT INTO wh_idempotency_keys (scope_key, request_hash, expires_at) VALUES"
    " ('sweep-a', 'h', now() - interval '1 hour'), ('sweep-b', 'h', now() - interval '1 hour'),"
    " ('sweep-held', 'h', now() - interval '1 hour')");
  PGconn* other = PQconnectdb(db_url(server_->db_name()).c_str());
  ASSERT_EQ(PQstatus(other), CONNECTION_OK) << PQerrorMessage(other);
  PQclear(PQexec(other, "BEGIN"));
  PQclear(PQexec(other, "SELECT 1 FROM wh_idempotency_keys WHERE scope_key = 'sweep-held' FOR UPDATE"));
  auto v = variant(0);
  set_stock(v, 10);
  guest_cart("session-idem-sweep", {{v, 1}});
  auto started = std::chrono::steady_clock::now();
  auto r = place("session-idem-sweep", checkout_body(), {{"Idempotency-Key", "key-sweep"}});
  auto took = std::chrono::steady_clock::now() - started;
  PQclear(PQexec(other, "ROLLBACK"));
  PQfinish(other);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_EQ(q("SELECT string_agg(scope_key, ',' ORDER BY scope_key) FROM wh_idempotency_keys"
              " WHERE scope_key LIKE 'sweep-%'"),
            "sweep-held");
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
