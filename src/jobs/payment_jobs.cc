// payment_verification (old: paymentVerificationJob, every 10 minutes) and
// unpaid_order_cancellation (old: orderCancellationJob, hourly): the
// scheduler's side of the payment work, which lives in orders/payment_jobs.h
// (asks Paystack without holding a pooled connection, applies answers
// exactly as the webhook does). JOB_PAYMENT_VERIFICATION_LIMIT and
// JOB_UNPAID_ORDER_CANCELLATION_LIMIT bound a run (old: 50 and 100).
#include "orders/payment_jobs.h"

#include "jobs/jobs.h"

namespace wh::jobs {

JobSpec payment_verification_job() {
  return make_job(
      "payment_verification", "Asks Paystack about pending payments 5 to 30 minutes old and applies the answers",
      std::chrono::minutes(10), std::chrono::minutes(5), [](JobContext& ctx) -> Task<JobResult> {
        JobResult r;
        r.rows = co_await orders::verify_pending_payments(ctx.services, static_cast<int>(ctx.knob("LIMIT", 50)));
        co_return r;
      });
}

JobSpec unpaid_order_cancellation_job() {
  return make_job("unpaid_order_cancellation",
                  "Cancels orders unpaid after 30 minutes (after asking Paystack) and releases their stock",
                  std::chrono::hours(1), std::chrono::minutes(10), [](JobContext& ctx) -> Task<JobResult> {
                    JobResult r;
                    r.rows = co_await orders::cancel_unpaid_orders(ctx.services, std::chrono::minutes(30),
                                                                   static_cast<int>(ctx.knob("LIMIT", 100)));
                    co_return r;
                  });
}

}  // namespace wh::jobs
