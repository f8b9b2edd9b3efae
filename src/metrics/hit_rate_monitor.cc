#include "metrics/hit_rate_monitor.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>

#include "core/log.h"

namespace wh::metrics {
namespace asio = boost::asio;

HitRateMonitor::HitRateMonitor(const cache::Registry& caches, HitRateOptions options, cache::ClockFn clock)
    : caches_(caches), options_(options), clock_(std::move(clock)), window_start_(clock_()) {
  for (const auto& c : caches_.instances()) {
    const auto n = c->counters();
    seen_[c->policy().name] = Seen{n.hits + n.stale_hits + n.misses + n.coalesced, n.hits + n.stale_hits};
  }
}

std::vector<LowHitRate> HitRateMonitor::tick() {
  std::vector<LowHitRate> low;
  const auto now = clock_();
  if (now - window_start_ < options_.window) return low;
  const double window_s = std::chrono::duration<double>(now - window_start_).count();
  window_start_ = now;
  for (const auto& c : caches_.instances()) {
    const auto n = c->counters();
    const Seen total{n.hits + n.stale_hits + n.misses + n.coalesced, n.hits + n.stale_hits};
    Seen& before = seen_[c->policy().name];  // zero for an instance added since
    const std::uint64_t lookups = total.lookups - before.lookups;
    const std::uint64_t hits = total.hits - before.hits;
    before = total;
    if (lookups == 0 || lookups < options_.min_lookups) continue;
    const double rate = static_cast<double>(hits) / static_cast<double>(lookups);
    if (rate >= options_.warn_below) continue;
    low.push_back(LowHitRate{c->policy().name, lookups, hits, rate});
    log::warn("cache hit rate low", {{"cache", c->policy().name},
                                     {"hit_rate", std::round(rate * 10000.0) / 10000.0},
                                     {"threshold", options_.warn_below},
                                     {"lookups", lookups},
                                     {"hits", hits},
                                     {"window_s", std::round(window_s)}});
  }
  return low;
}

Task<void> run_hit_rate_monitor(asio::any_io_executor ex, HitRateMonitor& monitor) {
  asio::steady_timer timer(ex);
  for (;;) {
    timer.expires_after(monitor.options().window);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    monitor.tick();
  }
}

}  // namespace wh::metrics
