// A small bounded pool of asynchronous connections. Requests that find every
// connection busy wait in a FIFO queue until one is released or their
// deadline passes (then they get ApiError 503), so the database never sees
// more than `size` connections from this process.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/task.h"
#include "db/connection.h"

namespace wh::db {

struct PoolOptions {
  ConnectOptions connect;
  int size = 6;
  std::chrono::milliseconds acquire_timeout{3000};
  int connect_retries = 4;  // extra attempts with exponential backoff (Neon wakes in ~0.5 s)
};

struct PoolStats {
  int size = 0;
  int open = 0;  // connected or connecting
  int idle = 0;
  int waiting = 0;
  std::uint64_t acquired = 0;
  std::uint64_t waited = 0;  // acquisitions that had to queue
  std::uint64_t wait_us_total = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t discarded = 0;  // broken connections dropped
};

class Pool;

// Exclusive use of one connection; returns it to the pool when destroyed.
class Lease {
 public:
  Lease() = default;
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& o) noexcept : pool_(o.pool_), conn_(std::move(o.conn_)) { o.pool_ = nullptr; }
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  Pool* pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  Pool(boost::asio::any_io_executor ex, PoolOptions options);
  ~Pool();

  // Waits for a connection; throws ApiError(503) at the deadline or when
  // the database cannot be reached.
  Task<Lease> acquire();
  PoolStats stats() const;
  // Client-side bound for one statement: the server's statement_timeout plus slack.
  std::chrono::milliseconds statement_deadline() const;

 private:
  friend class Lease;
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& ex, std::chrono::steady_clock::time_point t) : timer(ex, t) {}
    boost::asio::steady_timer timer;
    std::unique_ptr<Connection> conn;
    bool may_create = false;  // woken to open a new connection in a freed slot
  };
  void release(std::unique_ptr<Connection> conn);
  void wake(const std::shared_ptr<Waiter>& w);
  Task<std::unique_ptr<Connection>> open();

  boost::asio::any_io_executor ex_;
  PoolOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  int open_ = 0;
  PoolStats counters_;
};

}  // namespace wh::db
