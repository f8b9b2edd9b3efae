// Replays a trace through the two catalog cache instances as ByteCache runs
// them (sharded by key hash, one eviction policy per shard, entries larger
// than a shard's budget not stored, invalidations erasing tagged keys), and
// counts hits.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cache/eviction.h"
#include "trace.h"

namespace wh::bench {

struct PolicySpec {
  std::string name;
  std::function<std::unique_ptr<cache::EvictionPolicy>(std::size_t budget)> make;
};

struct Budgets {
  std::size_t lists = 0;  // bytes, per instance
  std::size_t detail = 0;
  std::size_t shards = 8;
};

struct Counts {
  std::uint64_t requests = 0;
  std::uint64_t hits = 0;
  std::uint64_t bytes = 0;
  std::uint64_t hit_bytes = 0;
  void add(bool hit, std::size_t charge) {
    ++requests;
    bytes += charge;
    if (hit) {
      ++hits;
      hit_bytes += charge;
    }
  }
  double ratio() const { return requests == 0 ? 0 : static_cast<double>(hits) / static_cast<double>(requests); }
  double byte_ratio() const { return bytes == 0 ? 0 : static_cast<double>(hit_bytes) / static_cast<double>(bytes); }
};

struct ReplayOptions {
  std::size_t warmup_events = 0;      // not counted
  std::size_t after_scan_window = 0;  // shopper requests counted in `after_scan`
};

struct Result {
  Counts all;  // every request after the warm-up, the crawler's too
  Counts lists;
  Counts detail;
  Counts after_scan;  // shopper requests in the window after the crawl
  std::uint64_t evictions = 0;
  double ns_per_request = 0;  // CPU time of request handling only (lookup, touch, make_room, insert)
};

Result replay(const Trace& trace, const PolicySpec& policy, const Budgets& budgets, const ReplayOptions& options);

}  // namespace wh::bench
