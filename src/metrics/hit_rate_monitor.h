// Warns when a cache instance does not pay for itself: every `window`, each
// instance whose lookups in that window reached `min_lookups` and whose hit
// rate over them stayed below `warn_below` gets one warning log line
// ("cache hit rate low"). Hit rate = (fresh + stale hits) / lookups, where
// lookups = hits + stale hits + misses + coalesced waits.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cache/registry.h"
#include "core/task.h"

namespace wh::metrics {

struct HitRateOptions {
  std::chrono::milliseconds window{std::chrono::minutes(5)};
  std::uint64_t min_lookups = 200;
  double warn_below = 0.70;
};

struct LowHitRate {
  std::string cache;
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;  // fresh + stale
  double hit_rate = 0;
};

class HitRateMonitor {
 public:
  HitRateMonitor(const cache::Registry& caches, HitRateOptions options, cache::ClockFn clock = &cache::Clock::now);

  // Evaluates the window that ended now if at least `window` has passed
  // since the last evaluation (or construction): logs and returns the
  // instances under the threshold, then starts the next window. Returns
  // nothing (and keeps counting) before then.
  std::vector<LowHitRate> tick();
  const HitRateOptions& options() const { return options_; }

 private:
  struct Seen {
    std::uint64_t lookups = 0;
    std::uint64_t hits = 0;
  };
  const cache::Registry& caches_;
  HitRateOptions options_;
  cache::ClockFn clock_;
  cache::Clock::time_point window_start_;
  std::map<std::string, Seen> seen_;  // totals at the window's start, by instance
};

// Calls monitor.tick() once per window until the executor stops.
Task<void> run_hit_rate_monitor(boost::asio::any_io_executor ex, HitRateMonitor& monitor);

}  // namespace wh::metrics
