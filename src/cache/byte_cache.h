// A named in-process cache of ready response bytes.
//
// Contract:
// - An entry is immutable once stored and shared by reference: a hit hands
//   out a shared_ptr, never a copy of the bytes.
// - Freshness: an entry is fresh for `ttl`; for `stale_while_revalidate`
//   after that it is still served while one background load refreshes it;
//   for `stale_if_error` after the ttl it is served only when a load fails
//   (the caller learns so from Lookup::freshness). Past both it is a miss.
// - Single flight: concurrent misses on one key run one load; the others
//   wait for its result (counted as coalesced).
// - Invalidation by tag removes every entry carrying the tag at once, and no
//   load that started before an invalidation stores its result afterwards
//   (it answers its own waiters, then is dropped): after invalidate_tag()
//   returns, every read starts from the database.
// - Memory: the sum of entry charges (bytes of key, body and tags plus a
//   fixed overhead) stays within `byte_budget`. Each shard evicts by S3-FIFO
//   (cache/eviction.h): an entry requested once leaves before the entries
//   requested again, so a crawl does not flush the hot set. An entry larger
//   than a shard's share is returned but not stored.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/task.h"
#include "metrics/histogram.h"

namespace wh::cache {

using Clock = std::chrono::steady_clock;
using ClockFn = std::function<Clock::time_point()>;

struct Policy {
  std::string name;
  std::chrono::milliseconds ttl{60000};
  std::chrono::milliseconds stale_while_revalidate{0};
  std::chrono::milliseconds stale_if_error{0};
  std::size_t byte_budget = 16 * 1024 * 1024;
  std::size_t shards = 8;
};

// What a loader produces: the response to cache and the tags that
// invalidate it.
struct Entry {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::string etag;  // strong, quoted; filled by the cache when empty
  std::vector<std::string> tags;
  // Precompressed copies of `body` (empty when not worth it).
  std::string gzip;
  std::string brotli;
};

enum class Freshness { kFresh, kStale, kStaleIfError };

struct Lookup {
  std::shared_ptr<const Entry> entry;
  Freshness freshness = Freshness::kFresh;
  bool hit = false;  // served without running a load for this caller
};

struct Counters {
  std::uint64_t hits = 0;            // fresh hits
  std::uint64_t stale_hits = 0;      // served stale while revalidating
  std::uint64_t stale_if_error = 0;  // served stale because a load failed
  std::uint64_t misses = 0;          // loads started for a caller
  std::uint64_t coalesced = 0;       // callers that waited for another's load
  std::uint64_t load_failures = 0;
  std::uint64_t invalidations = 0;  // entries removed by tag or clear
  std::uint64_t evictions = 0;      // entries removed for the byte budget
  std::uint64_t dropped_loads = 0;  // results not stored (invalidated meanwhile)
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
  std::uint64_t load_us_total = 0;  // sum of load durations
};

using Loader = std::function<Task<Entry>()>;

class ByteCache {
 public:
  explicit ByteCache(Policy policy, ClockFn clock = &Clock::now);
  ~ByteCache();
  ByteCache(const ByteCache&) = delete;
  ByteCache& operator=(const ByteCache&) = delete;

  // The entry for `key`, loading it with `loader` when needed (see the
  // contract above). A load failure with nothing servable rethrows it.
  Task<Lookup> get(std::string key, Loader loader);

  // Removes every entry tagged `tag`. Returns how many.
  std::size_t invalidate_tag(std::string_view tag);
  void clear();

  const Policy& policy() const { return policy_; }
  Counters counters() const;
  // Durations of every load (seconds, by the cache's clock), failed ones too.
  const metrics::Histogram& load_seconds() const { return load_seconds_; }

 private:
  struct Flight;
  struct Slot;
  struct Shard;
  Shard& shard_for(const std::string& key);
  Task<std::shared_ptr<const Entry>> run_load(std::string key, Loader loader, std::shared_ptr<Flight> flight);
  void store(Shard& s, const std::string& key, std::shared_ptr<const Entry> entry, Clock::time_point loaded);
  void erase_locked(Shard& s, const std::string& key);

  Policy policy_;
  ClockFn clock_;
  std::size_t shard_budget_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Bumped by every invalidation; a load stores only if it is unchanged.
  std::atomic<std::uint64_t> generation_{0};
  mutable std::mutex counters_mu_;
  Counters counters_;
  metrics::Histogram load_seconds_{metrics::latency_buckets()};
};

}  // namespace wh::cache
