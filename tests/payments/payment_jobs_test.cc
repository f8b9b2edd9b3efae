// The periodic payment functions the scheduler runs: verification of
// pending payments, and unpaid-order cancellation that asks Paystack first.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "orders/payment_jobs.h"
#include "payments_fixture.h"
#include "server/app.h"

namespace wh::test {
namespace {

class PaymentJobs : public PaymentsApi {
 protected:
  template <typename F>
  static int run(F make_task) {
    boost::asio::io_context io;
    auto done = boost::asio::co_spawn(io, make_task(server_->app().app().services()), boost::asio::use_future);
    io.run();
    return done.get();
  }
  static void age(const std::string& number, int minutes) {
    q("UPDATE orders SET created_at = created_at - interval '" + std::to_string(minutes) +
      " minutes' WHERE order_number = " + quote(number));
  }
};

TEST_F(PaymentJobs, VerificationAppliesAPaidAnswerToOrdersOfTheWindowOnly) {
  // Only orders 5 to 30 minutes old are asked about (older ones first).
  q("UPDATE orders SET status = 'cancelled' WHERE status = 'pending' AND payment_status = 'pending'");
  auto fresh = order("session-job-1");
  auto due = order("session-job-2");
  age(due.number, 10);
  paystack_->script_verify({FakePaystack::verify_paid(due.total)});
  auto settled = run([](web::Services& s) { return orders::verify_pending_payments(s); });
  EXPECT_EQ(settled, 1);
  EXPECT_EQ(order_field(due.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(fresh.number, "payment_status"), "pending");
}

TEST_F(PaymentJobs, CancellationAsksPaystackFirst) {
  q("UPDATE orders SET status = 'cancelled' WHERE status = 'pending' AND payment_status = 'pending'");
  auto failed = order("session-job-3", 10, 1, 2);
  auto paid = order("session-job-4", 10, 1, 3);
  auto silent = order("session-job-5", 10, 1, 4);
  for (const auto& o : {failed, paid, silent}) age(o.number, 45);
  // Oldest first: failed, paid, silent (no answer).
  paystack_->script_verify(
      {FakePaystack::verify_status("failed"), FakePaystack::verify_paid(paid.total), FakePaystack::server_error()});
  auto cancelled = run([](web::Services& s) { return orders::cancel_unpaid_orders(s); });
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(order_field(failed.number, "status") + "/" + order_field(failed.number, "payment_status"),
            "cancelled/failed");
  EXPECT_EQ(reserved(failed.variant), 0);
  EXPECT_EQ(order_field(paid.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(silent.number, "status") + "/" + order_field(silent.number, "payment_status"),
            "pending/pending");
  EXPECT_EQ(reserved(silent.variant), 1);
}

}  // namespace
}  // namespace wh::test
