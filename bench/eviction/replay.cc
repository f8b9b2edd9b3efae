#include "replay.h"

#include <time.h>

#include <vector>

namespace wh::bench {

namespace {

// CPU time of this thread: other processes on the machine do not count.
std::int64_t cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class ShardedCache {
 public:
  ShardedCache(const PolicySpec& policy, std::size_t budget, std::size_t shards) {
    for (std::size_t i = 0; i < shards; ++i) shards_.push_back(policy.make(budget / shards));
  }
  cache::EvictionPolicy& shard_for(const std::string& key) {
    return *shards_[std::hash<std::string>{}(key) % shards_.size()];
  }

 private:
  std::vector<std::unique_ptr<cache::EvictionPolicy>> shards_;
};

}  // namespace

Result replay(const Trace& trace, const PolicySpec& policy, const Budgets& budgets, const ReplayOptions& options) {
  ShardedCache lists(policy, budgets.lists, budgets.shards);
  ShardedCache detail(policy, budgets.detail, budgets.shards);
  auto shard_for = [&](const Key& k) -> cache::EvictionPolicy& {
    return (k.instance == Instance::kLists ? lists : detail).shard_for(k.url);
  };
  Result r;
  std::int64_t busy = 0;
  std::int64_t started = cpu_ns();
  std::uint64_t requests = 0;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const Event& e = trace.events[i];
    if (e.kind == Event::Kind::kInvalidate) {
      // Not timed: the simulator walks every key with the tag, ByteCache only
      // the stored ones.
      busy += cpu_ns() - started;
      for (auto k : trace.keys_by_tag[e.id]) shard_for(trace.keys[k]).erase(trace.keys[k].url);
      started = cpu_ns();
      continue;
    }
    const Key& k = trace.keys[e.id];
    auto& shard = shard_for(k);
    const bool hit = shard.contains(k.url);
    if (hit) {
      shard.touch(k.url);
    } else if (k.charge <= shard.budget()) {
      r.evictions += shard.make_room(k.charge).size();
      shard.insert(k.url, k.charge);
    }
    ++requests;
    if (i < options.warmup_events) continue;
    r.all.add(hit, k.charge);
    (k.instance == Instance::kLists ? r.lists : r.detail).add(hit, k.charge);
    if (!e.crawler && i >= trace.scan_end && trace.scan_end > 0 && r.after_scan.requests < options.after_scan_window) {
      r.after_scan.add(hit, k.charge);
    }
  }
  busy += cpu_ns() - started;
  r.ns_per_request = static_cast<double>(busy) / static_cast<double>(requests);
  return r;
}

}  // namespace wh::bench
