#include "jobs/jobs.h"

namespace wh::jobs {

std::vector<JobSpec> standard_jobs(currency::RateRefresher& refresher, const Config& config) {
  std::vector<JobSpec> out;
  out.push_back(token_cleanup_job());
  out.push_back(notification_cleanup_job());
  out.push_back(cart_cleanup_job());
  if (!config.currency_api_url.empty()) out.push_back(currency_refresh_job(refresher, config));
  out.push_back(analytics_aggregation_job());
  out.push_back(low_stock_alert_job());
  out.push_back(abandoned_cart_email_job());
  out.push_back(back_in_stock_job());
  out.push_back(milestones_job());
  out.push_back(payment_verification_job());
  out.push_back(unpaid_order_cancellation_job());
  if (!config.imagekit_private_key.empty()) out.push_back(orphaned_media_job());
  return out;
}

}  // namespace wh::jobs
