#include "metrics/collectors.h"

#include <string>
#include <vector>

#include "db/pool.h"

namespace wh::metrics {

namespace {

struct CacheSample {
  std::string name;
  cache::Counters c;
  std::size_t budget = 0;
  Histogram::Snapshot load;
};

struct CounterField {
  std::string_view name;
  std::string_view help;
  std::uint64_t cache::Counters::*field;
};

constexpr CounterField kCacheCounters[] = {
    {"wh_cache_hits_total", "Lookups answered by a fresh entry.", &cache::Counters::hits},
    {"wh_cache_stale_hits_total", "Lookups answered by a stale entry while it is refreshed in the background.",
     &cache::Counters::stale_hits},
    {"wh_cache_stale_if_error_total", "Lookups answered by an expired entry because the load failed.",
     &cache::Counters::stale_if_error},
    {"wh_cache_misses_total", "Lookups that started a load.", &cache::Counters::misses},
    {"wh_cache_coalesced_total", "Lookups that waited for a load another lookup had started (single flight).",
     &cache::Counters::coalesced},
    {"wh_cache_load_failures_total", "Loads that threw (e.g. the database was down).", &cache::Counters::load_failures},
    {"wh_cache_invalidations_total", "Entries removed by tag invalidation or a flush.",
     &cache::Counters::invalidations},
    {"wh_cache_evictions_total", "Entries removed to stay within the byte budget.", &cache::Counters::evictions},
    {"wh_cache_dropped_loads_total", "Load results not stored because an invalidation happened meanwhile.",
     &cache::Counters::dropped_loads},
};

// One family with a sample per cache instance.
template <typename Value>
void per_cache(TextWriter& w, const std::vector<CacheSample>& samples, std::string_view name, std::string_view help,
               Type type, Value value) {
  w.family(name, help, type);
  for (const auto& s : samples) {
    const Label label{"cache", s.name};
    w.sample(Labels(&label, 1), value(s));
  }
}

void write_caches(TextWriter& w, const cache::Registry& caches) {
  std::vector<CacheSample> samples;
  for (const auto& c : caches.instances()) {
    samples.push_back(
        CacheSample{c->policy().name, c->counters(), c->policy().byte_budget, c->load_seconds().snapshot()});
  }
  using S = const CacheSample&;
  for (const auto& f : kCacheCounters) {
    per_cache(w, samples, f.name, f.help, Type::kCounter, [&](S s) { return s.c.*f.field; });
  }
  per_cache(w, samples, "wh_cache_entries", "Entries held.", Type::kGauge, [](S s) { return s.c.entries; });
  per_cache(w, samples, "wh_cache_bytes", "Bytes charged for the entries held (keys, bodies, tags, overhead).",
            Type::kGauge, [](S s) { return s.c.bytes; });
  per_cache(w, samples, "wh_cache_budget_bytes", "The instance's byte budget.", Type::kGauge,
            [](S s) { return static_cast<std::uint64_t>(s.budget); });
  w.family("wh_cache_load_duration_seconds", "Duration of each load (a miss or a background refresh).",
           Type::kHistogram);
  for (const auto& s : samples) {
    const Label label{"cache", s.name};
    w.histogram(Labels(&label, 1), s.load);
  }
}

void write_pool(TextWriter& w, const db::Pool& pool) {
  const db::PoolStats s = pool.stats();
  auto gauge = [&](std::string_view name, std::string_view help, int v) {
    w.family(name, help, Type::kGauge);
    w.sample({}, static_cast<std::uint64_t>(v < 0 ? 0 : v));
  };
  auto counter = [&](std::string_view name, std::string_view help, std::uint64_t v) {
    w.family(name, help, Type::kCounter);
    w.sample({}, v);
  };
  gauge("wh_db_pool_size", "Most connections the pool opens (DB_POOL_SIZE).", s.size);
  gauge("wh_db_pool_in_use", "Connections leased to requests or being opened.", s.open - s.idle);
  gauge("wh_db_pool_idle", "Open connections waiting to be leased.", s.idle);
  gauge("wh_db_pool_waiters", "Acquisitions queued for a connection right now.", s.waiting);
  counter("wh_db_pool_acquires_total", "Connection acquisitions.", s.acquired);
  counter("wh_db_pool_waits_total", "Acquisitions that had to queue.", s.waited);
  counter("wh_db_pool_timeouts_total", "Acquisitions that gave up after DB_ACQUIRE_TIMEOUT_MS (answered 503).",
          s.timeouts);
  counter("wh_db_pool_connects_total", "Connections opened.", s.connects);
  counter("wh_db_pool_connect_failures_total", "Connection attempts that failed.", s.connect_failures);
  counter("wh_db_pool_discarded_total", "Broken or server-closed connections dropped.", s.discarded);
  w.family("wh_db_pool_wait_seconds", "Time each acquisition queued for a connection (0 when one was free).",
           Type::kHistogram);
  w.histogram({}, pool.wait_seconds().snapshot());
}

}  // namespace

void collect_caches(Registry& registry, const cache::Registry& caches) {
  registry.collect([&caches](TextWriter& w) { write_caches(w, caches); });
}

void collect_pool(Registry& registry, std::function<const db::Pool*()> pool) {
  registry.collect([pool = std::move(pool)](TextWriter& w) {
    if (const db::Pool* p = pool()) write_pool(w, *p);
  });
}

}  // namespace wh::metrics
