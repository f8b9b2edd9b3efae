// The periodic payment work, as plain functions for the job scheduler
// (src/jobs) to run on one instance at a time. Neither holds a pooled
// connection while Paystack is asked; both apply answers through
// apply_payment() (payment_apply.h), exactly as the webhook would.
#pragma once
#include <chrono>

#include "core/task.h"
#include "web/services.h"

namespace wh::orders {

// Orders still pending/pending with a reference, older than `min_age` and
// younger than `max_age`, oldest first, at most `limit` (the old job: 5 to
// 30 minutes, 50): asks GET transaction/verify for each and applies a
// success or a failure. Returns how many orders it settled.
Task<int> verify_pending_payments(web::Services& services, int limit = 50,
                                  std::chrono::minutes min_age = std::chrono::minutes(5),
                                  std::chrono::minutes max_age = std::chrono::minutes(30));

// Orders still pending/pending older than `older_than`, oldest first, at
// most `limit`: asks Paystack first (fix: the old job cancelled without
// asking) and
//   success        applies it (the order is paid, not cancelled);
//   no answer      leaves the order for the next run;
//   anything else  releases the reservation and the coupon: cancelled/failed
//                  (a success arriving later re-reserves or refunds).
// Orders without a reference are released at once. Returns how many it
// cancelled.
Task<int> cancel_unpaid_orders(web::Services& services, std::chrono::minutes older_than = std::chrono::minutes(30),
                               int limit = 100);

}  // namespace wh::orders
