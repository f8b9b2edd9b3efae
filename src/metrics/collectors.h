// Scrape-time collectors for state owned by other modules: every cache
// instance's counters and load-time histogram (label `cache`) and the
// database pool's state, counters and wait-time histogram. Values are read
// when /metrics is rendered; nothing is copied on the request path.
#pragma once
#include <functional>

#include "cache/registry.h"
#include "metrics/registry.h"

namespace wh::db {
class Pool;
}

namespace wh::metrics {

void collect_caches(Registry& registry, const cache::Registry& caches);
// `pool` is asked at every scrape (the pool may be created after the
// registry); nothing is written while it returns nullptr.
void collect_pool(Registry& registry, std::function<const db::Pool*()> pool);

}  // namespace wh::metrics
