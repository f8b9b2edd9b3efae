#include "metrics/server_metrics.h"

#include <chrono>

#include "metrics/collectors.h"

namespace wh::metrics {

HitRateOptions hit_rate_options(const Config& config) {
  HitRateOptions o;
  o.window = config.cache_hit_rate_window;
  o.min_lookups = static_cast<std::uint64_t>(config.cache_hit_rate_min_lookups);
  o.warn_below = config.cache_hit_rate_warn_percent / 100.0;
  return o;
}

ServerMetrics::ServerMetrics(const web::Services& services, const cache::Registry& caches)
    : http(registry), hit_rate(caches, hit_rate_options(services.config)) {
  registry.gauge("wh_build_info", "Always 1; the running version in its label.", {"version"}).with({WH_VERSION}).set(1);
  // The window every counter covers (what `wighaven audit` divides by).
  registry.collect([&services](TextWriter& w) {
    w.family("wh_uptime_seconds", "Seconds since this server started.", Type::kGauge);
    w.sample({}, std::chrono::duration<double>(std::chrono::steady_clock::now() - services.started).count());
  });
  collect_caches(registry, caches);
  collect_pool(registry, [&services]() -> const db::Pool* { return services.pool; });
}

}  // namespace wh::metrics
