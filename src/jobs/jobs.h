// The background jobs (one file each, docs/jobs.md) and the list the
// server's scheduler runs. Each factory returns the job with its default
// schedule; JOB_<NAME>_* variables adjust it (job.h).
#pragma once
#include <vector>

#include "jobs/job.h"

namespace wh::currency {
class RateRefresher;
}

namespace wh::jobs {

JobSpec token_cleanup_job();         // expired revocations, reset and verification tokens
JobSpec notification_cleanup_job();  // read notifications after 30 days, expired ones
JobSpec cart_cleanup_job();          // guest carts idle for 7 days
JobSpec currency_refresh_job(currency::RateRefresher& refresher, const Config& config);
JobSpec analytics_aggregation_job();      // daily revenue, orders, new customers (upsert)
JobSpec low_stock_alert_job();            // admins told once per variant crossing the threshold
JobSpec abandoned_cart_email_job();       // one reminder per abandoned cart
JobSpec back_in_stock_job();              // each back-in-stock alert e-mailed once, when available
JobSpec milestones_job();                 // order count and daily sales milestones
JobSpec payment_verification_job();       // pending payments asked of Paystack (orders/payment_jobs.h)
JobSpec unpaid_order_cancellation_job();  // unpaid orders released after 30 minutes, Paystack asked first
// Unused media (7 days, no catalog URL) moved to the ImageKit trash; needs
// the server's http::OutboundClient provided in services.
JobSpec orphaned_media_job();

// Every job above, in the order they are listed (orphaned_media only
// with IMAGEKIT_PRIVATE_KEY set).
std::vector<JobSpec> standard_jobs(currency::RateRefresher& refresher, const Config& config);

}  // namespace wh::jobs
