// The shared state behind a Pool, kept alive by the Pool, every Lease and
// every acquire() in progress, so that none of them can outlive it. Internal
// to src/db (pool.cc, pool_health.cc).
#pragma once
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/async_event.h"
#include "db/pool.h"
#include "metrics/histogram.h"

namespace wh::db {

// One queued acquire(). Fields other than `ready` are guarded by PoolCore::mu.
struct PoolWaiter {
  explicit PoolWaiter(const boost::asio::any_io_executor& ex) : ready(ex) {}
  AsyncEvent ready;                  // set once, when one of the outcomes below is decided
  bool done = false;                 // an outcome was decided
  std::unique_ptr<Connection> conn;  // handed over by a release
  bool may_create = false;           // handed a free slot to open a connection in
  bool timed_out = false;            // the deadline passed (or the pool closed)
  bool background = false;           // queued ahead of requests (Priority::background)
};

struct PoolCore {
  PoolCore(boost::asio::any_io_executor e, PoolOptions o) : ex(std::move(e)), options(std::move(o)) {}

  // Gives a connection back, or with nullptr frees a slot whose connection
  // broke or was never opened. Hands either to the first waiter.
  void release(std::unique_ptr<Connection> conn);
  // The deadline of `w` passed: take it off the queue unless already served.
  void expire(const std::shared_ptr<PoolWaiter>& w);

  const boost::asio::any_io_executor ex;
  const PoolOptions options;

  mutable std::mutex mu;
  bool closed = false;
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<PoolWaiter>> waiters;  // non-empty only while no connection is idle
  int open = 0;                                     // slots in use: connected, connecting or leased
  PoolStats counters;
  metrics::Histogram wait_seconds{metrics::latency_buckets()};  // queueing time of every acquisition

  // check_health(): the last result and the probe in flight, if any.
  std::chrono::steady_clock::time_point health_at{};
  bool health_known = false;
  bool health_ok = false;
  std::shared_ptr<AsyncEvent> health_probe;
};

}  // namespace wh::db
