// currency_refresh (old: every 6 h, updateRatesInDb; it had its own timer,
// currency/rate_refresher.h, before the scheduler took it over): fetches
// the provider's rates (RateRefresher::refresh_once) unless the stored
// ones are fresh, i.e. younger than nine tenths of the interval (another
// instance or an admin refreshed them). Its interval defaults to
// CURRENCY_REFRESH_MS and its first retry after a failure to
// CURRENCY_RETRY_MS (doubling up to the interval); JOB_CURRENCY_REFRESH_*
// variables win. Not scheduled at all with CURRENCY_API_URL=off.
#include <algorithm>
#include <stdexcept>

#include "currency/rate_refresher.h"
#include "currency/rate_store.h"
#include "jobs/jobs.h"

namespace wh::jobs {

JobSpec currency_refresh_job(currency::RateRefresher& refresher, const Config& config) {
  JobSpec s;
  s.name = "currency_refresh";
  s.description = "Refreshes the currency rates from the provider when the stored ones are stale";
  s.interval =
      std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(config.currency_refresh));
  s.retry = config.currency_retry;
  s.timeout = std::chrono::duration_cast<std::chrono::seconds>(config.outbound_timeout) + std::chrono::seconds(30);
  s.run = [&refresher](JobContext& ctx) -> Task<JobResult> {
    const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(
        ctx.knob("INTERVAL_S", std::chrono::duration_cast<std::chrono::seconds>(ctx.config.currency_refresh).count())));
    JobResult r;
    auto age = co_await currency::stored_age(ctx.db);
    if (age && *age < interval - interval / 10) {
      r.note = "rates are fresh";
      co_return r;
    }
    auto result = co_await refresher.refresh_once();
    if (!result.ok) throw std::runtime_error(result.error);
    r.rows = result.saved;
    co_return r;
  };
  return s;
}

}  // namespace wh::jobs
