// Keeps `currency_rates` fresh from the provider at CURRENCY_API_URL, in the
// background: requests only ever read the table (and the cache), never wait
// on the provider.
//
// refresh_once(): one GET of the provider (bearer CURRENCY_API_KEY when
// set); a valid answer is upserted (rate_store.h) and the cache tag
// `currency` invalidated; any failure (transport, status, garbage) leaves
// the table untouched and logs a warning.
//
// run(): at start and then every CURRENCY_REFRESH_MS, refreshes when the
// stored rates are at least that old (by the database's clock, so a
// refresh by another instance counts); after a failure it retries after
// CURRENCY_RETRY_MS, doubling up to the refresh interval. The scheduling
// is this one loop, so a job scheduler can take it over by calling
// refresh_once().
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
  // provided before run() or refresh_once() is called.
  explicit RateRefresher(web::Services& services) : services_(services) {}

  Task<RefreshResult> refresh_once();
  // Never returns (ends with its io_context); returns at once when
  // CURRENCY_API_URL is "off".
  Task<void> run();

  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> failures{0};

 private:
  web::Services& services_;
};

}  // namespace wh::currency
