#include "cache/byte_cache.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "cache/eviction.h"
#include "core/async_event.h"
#include "core/crypto.h"

namespace wh::cache {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kEntryOverhead = 160;  // map node, eviction node, control block

std::size_t charge_of(const std::string& key, const Entry& e) {
  std::size_t n = kEntryOverhead + 2 * key.size() + e.body.size() + e.gzip.size() + e.brotli.size() +
                  e.content_type.size() + e.etag.size();
  for (const auto& t : e.tags) n += t.size() + kEntryOverhead / 4;
  return n;
}

}  // namespace

// One load in progress: its waiters, then its outcome.
struct ByteCache::Flight {
  explicit Flight(asio::any_io_executor ex) : done(std::move(ex)) {}
  AsyncEvent done;
  std::shared_ptr<const Entry> result;
  std::exception_ptr error;
};

struct ByteCache::Slot {
  std::shared_ptr<const Entry> entry;
  Clock::time_point loaded;
  std::size_t charge = 0;
};

struct ByteCache::Shard {
  explicit Shard(std::size_t budget) : eviction(budget) {}
  std::mutex mu;
  std::unordered_map<std::string, Slot> slots;
  S3Fifo eviction;  // chooses the victims; docs/caching-eviction.md says why S3-FIFO
  std::unordered_map<std::string, std::unordered_set<std::string>> by_tag;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights;
  std::size_t bytes = 0;
};

ByteCache::ByteCache(Policy policy, ClockFn clock)
    : policy_(std::move(policy)),
      clock_(std::move(clock)),
      shard_budget_(policy_.byte_budget / std::max<std::size_t>(1, policy_.shards)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, policy_.shards); ++i) {
    shards_.push_back(std::make_unique<Shard>(shard_budget_));
  }
}

ByteCache::~ByteCache() = default;

ByteCache::Shard& ByteCache::shard_for(const std::string& key) {
  return *shards_[std::hash<std::string>{}(key) % shards_.size()];
}

Counters ByteCache::counters() const {
  Counters c;
  {
    std::lock_guard lock(counters_mu_);
    c = counters_;
  }
  c.entries = 0;
  c.bytes = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    c.entries += s->slots.size();
    c.bytes += s->bytes;
  }
  return c;
}

void ByteCache::erase_locked(Shard& s, const std::string& key) {
  auto it = s.slots.find(key);
  if (it == s.slots.end()) return;
  for (const auto& t : it->second.entry->tags) {
    auto tag = s.by_tag.find(t);
    if (tag == s.by_tag.end()) continue;
    tag->second.erase(key);
    if (tag->second.empty()) s.by_tag.erase(tag);
  }
  s.bytes -= it->second.charge;
  s.eviction.erase(key);
  s.slots.erase(it);
}

void ByteCache::store(Shard& s, const std::string& key, std::shared_ptr<const Entry> entry, Clock::time_point loaded) {
  std::size_t charge = charge_of(key, *entry);
  if (charge > shard_budget_) return;
  erase_locked(s, key);
  const auto victims = s.eviction.make_room(charge);
  for (const auto& victim : victims) erase_locked(s, victim);
  s.eviction.insert(key, charge);
  for (const auto& t : entry->tags) s.by_tag[t].insert(key);
  s.slots.emplace(key, Slot{std::move(entry), loaded, charge});
  s.bytes += charge;
  if (!victims.empty()) {
    std::lock_guard lock(counters_mu_);
    counters_.evictions += victims.size();
  }
}

Task<std::shared_ptr<const Entry>> ByteCache::run_load(std::string key, Loader loader, std::shared_ptr<Flight> flight) {
  const std::uint64_t gen = generation_.load();
  const auto started = clock_();
  auto& s = shard_for(key);
  std::shared_ptr<const Entry> result;
  std::exception_ptr error;
  try {
    Entry e = co_await loader();
    if (e.etag.empty()) e.etag = "\"" + sha256_hex(e.body).substr(0, 32) + "\"";
    result = std::make_shared<const Entry>(std::move(e));
  } catch (...) {
    error = std::current_exception();
  }
  const auto finished = clock_();
  load_seconds_.observe(std::chrono::duration<double>(finished - started).count());
  bool dropped = false;
  {
    std::lock_guard lock(s.mu);
    auto f = s.flights.find(key);
    if (f != s.flights.end() && f->second == flight) s.flights.erase(f);
    // Only successful responses are stored, and only when no invalidation
    // happened while loading (its data may predate the change).
    if (result && result->status < 400) {
      if (generation_.load() == gen) {
        store(s, key, result, started);
      } else {
        dropped = true;
      }
    }
  }
  {
    std::lock_guard lock(counters_mu_);
    counters_.load_us_total +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count());
    if (error) ++counters_.load_failures;
    if (dropped) ++counters_.dropped_loads;
  }
  flight->result = result;
  flight->error = error;
  flight->done.set();
  if (error) std::rethrow_exception(error);
  co_return result;
}

Task<Lookup> ByteCache::get(std::string key, Loader loader) {
  auto ex = co_await asio::this_coro::executor;
  auto& s = shard_for(key);
  const auto now = clock_();
  std::shared_ptr<Flight> flight;
  std::shared_ptr<const Entry> fallback;  // servable if the load fails
  std::shared_ptr<Flight> refresh;        // set when this caller starts a background refresh
  bool leader = false;
  Lookup out;
  {
    std::lock_guard lock(s.mu);
    if (auto it = s.slots.find(key); it != s.slots.end()) {
      auto& slot = it->second;
      const auto age = now - slot.loaded;
      if (age < policy_.ttl) {
        s.eviction.touch(key);
        out = Lookup{slot.entry, Freshness::kFresh, true};
      } else if (age < policy_.ttl + policy_.stale_while_revalidate) {
        s.eviction.touch(key);
        out = Lookup{slot.entry, Freshness::kStale, true};
        if (s.flights.count(key) == 0) {
          refresh = std::make_shared<Flight>(ex);
          s.flights.emplace(key, refresh);
        }
      } else if (age < policy_.ttl + policy_.stale_if_error) {
        fallback = slot.entry;
      } else {
        erase_locked(s, key);
      }
    }
    if (!out.entry) {
      auto f = s.flights.find(key);
      if (f != s.flights.end()) {
        flight = f->second;
      } else {
        flight = std::make_shared<Flight>(ex);
        s.flights.emplace(key, flight);
        leader = true;
      }
    }
  }

  if (out.entry) {
    {
      std::lock_guard lock(counters_mu_);
      ++(out.freshness == Freshness::kFresh ? counters_.hits : counters_.stale_hits);
    }
    if (refresh) {
      asio::co_spawn(
          ex,
          [this, key, loader = std::move(loader), refresh]() -> Task<void> {
            try {
              co_await run_load(key, loader, refresh);
            } catch (const std::exception&) {
              // Counted; the stale entry keeps being served until it expires.
            }
          },
          asio::detached);
    }
    co_return out;
  }

  {
    std::lock_guard lock(counters_mu_);
    ++(leader ? counters_.misses : counters_.coalesced);
  }
  std::shared_ptr<const Entry> result;
  std::exception_ptr error;
  if (leader) {
    try {
      result = co_await run_load(key, std::move(loader), flight);
    } catch (...) {
      error = std::current_exception();
    }
  } else {
    co_await flight->done.wait();
    result = flight->result;
    error = flight->error;
  }
  if (error) {
    if (fallback) {
      std::lock_guard lock(counters_mu_);
      ++counters_.stale_if_error;
      co_return Lookup{fallback, Freshness::kStaleIfError, false};
    }
    std::rethrow_exception(error);
  }
  co_return Lookup{result, Freshness::kFresh, !leader};
}

std::size_t ByteCache::invalidate_tag(std::string_view tag) {
  generation_.fetch_add(1);
  std::size_t removed = 0;
  const std::string t(tag);
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    // Loads in progress may predate the change: later callers start anew.
    s->flights.clear();
    auto it = s->by_tag.find(t);
    if (it == s->by_tag.end()) continue;
    std::vector<std::string> keys(it->second.begin(), it->second.end());
    for (const auto& k : keys) erase_locked(*s, k);
    removed += keys.size();
  }
  std::lock_guard lock(counters_mu_);
  counters_.invalidations += removed;
  return removed;
}

void ByteCache::clear() {
  generation_.fetch_add(1);
  std::size_t removed = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s->mu);
    s->flights.clear();
    removed += s->slots.size();
    s->slots.clear();
    s->eviction.clear();
    s->by_tag.clear();
    s->bytes = 0;
  }
  std::lock_guard lock(counters_mu_);
  counters_.invalidations += removed;
}

}  // namespace wh::cache
