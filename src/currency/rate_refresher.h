// Keeps `currency_rates` fresh from the provider at CURRENCY_API_URL, in the
// background: requests only ever read the table (and the cache), never wait
// on the provider.
//
// refresh_once(): one GET of the provider (bearer CURRENCY_API_KEY when
// set); a valid answer is upserted (rate_store.h) and the cache tag
// `currency` invalidated; any failure (transport, status, garbage) leaves
// the table untouched and logs a warning.
//
// The schedule is the job scheduler's: the currency_refresh job
// (jobs/currency_refresh.cc) calls refresh_once() every CURRENCY_REFRESH_MS
// when the stored rates are stale, on one instance, retrying after
// CURRENCY_RETRY_MS (doubling) after a failure.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "core/task.h"
#include "web/services.h"

namespace wh::currency {

struct RefreshResult {
  bool ok = false;
  long saved = 0;     // rows written
  std::string error;  // why it failed
};

class RateRefresher {
 public:
  // Uses services.pool, http::OutboundClient and cache::Registry, all
  // provided before refresh_once() is called.
  explicit RateRefresher(web::Services& services) : services_(services) {}

  Task<RefreshResult> refresh_once();

  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> failures{0};

 private:
  web::Services& services_;
};

}  // namespace wh::currency
