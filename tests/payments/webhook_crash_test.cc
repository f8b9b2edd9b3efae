// A webhook acknowledged by a server that dies before applying it is applied
// by the next one: the queue is in the database, not in memory.
#include <csignal>

#include "payments_fixture.h"
#include "support/child_server.h"

namespace wh::test {
namespace {

class WebhookCrash : public PaymentsApi {
 protected:
  // The in-process server only places the order: its worker never starts.
  static void SetUpTestSuite() {
    start_payments([](Config& c) { c.payment_start_delay = std::chrono::hours(1); });
  }
  static std::map<std::string, std::string> child_env(const std::string& start_delay_ms) {
    return {{"PAYSTACK_SECRET_KEY", FakePaystack::kSecret},
            {"PAYSTACK_BASE_URL", paystack_->base_url()},
            {"PAYMENT_POLL_MS", "100"},
            {"WORKER_LEASE_TTL_MS", "1000"},
            {"PAYMENT_WORKER_START_DELAY_MS", start_delay_ms}};
  }
};

TEST_F(WebhookCrash, AnEventAcknowledgedBeforeACrashIsAppliedAfterTheRestart) {
  auto o = order("session-crash-1", 10, 1);
  const std::string body = charge_event("charge.success", o.reference, o.total);
  {
    ChildServer first(server_->db_name(), child_env("600000"));
    Headers headers{{"x-paystack-signature", signature(body)}};
    auto r = HttpClient(first.port()).request("POST", "/webhook/paystack", body, headers);
    ASSERT_EQ(r.status, 200) << r.body;
    first.kill(SIGKILL);
  }
  EXPECT_EQ(q("SELECT status FROM wh_payment_events WHERE reference = " + quote(o.reference)), "queued");
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");
  ChildServer second(server_->db_name(), child_env("0"));
  EXPECT_TRUE(auth::wait_until([&] { return order_field(o.number, "payment_status") == "paid"; },
                               std::chrono::milliseconds(10000)))
      << second.log();
  EXPECT_EQ(q("SELECT status || ':' || result FROM wh_payment_events WHERE reference = " + quote(o.reference)),
            "processed:paid");
  EXPECT_EQ(stock(o.variant), 9);
}

}  // namespace
}  // namespace wh::test
