// The metrics of one running server: the registry behind GET /metrics, the
// per-route request metrics the pipeline records, scrape-time collectors for
// the cache instances and the database pool, and the cache hit-rate monitor.
// Owned by the composition root and provided to handlers through
// web::Services.
#pragma once
#include "cache/registry.h"
#include "metrics/hit_rate_monitor.h"
#include "metrics/http_metrics.h"
#include "metrics/registry.h"
#include "web/services.h"

namespace wh::metrics {

HitRateOptions hit_rate_options(const Config& config);

struct ServerMetrics {
  // `services.pool` is read at each scrape (it may be set later).
  ServerMetrics(const web::Services& services, const cache::Registry& caches);
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  Registry registry;
  HttpMetrics http;
  HitRateMonitor hit_rate;
};

}  // namespace wh::metrics
