// A small bounded pool of asynchronous connections. Requests that find every
// connection busy wait in a FIFO queue until one is released or their
// deadline passes (then they get ApiError 503), so the database never sees
// more than `size` connections from this process. Background work (the
// workers that drain durable queues: payments, mail, purges, jobs) queues
// ahead of requests, so a flood of requests slows it by one statement's
// wait, not by the whole queue.
//
// `acquire_timeout` bounds the whole acquisition: queueing, host name
// resolution, connecting and connect retries. Idle connections the server
// has closed are discarded at hand-out, so after a database restart (or a
// Neon compute suspending) requests get fresh connections, not errors.
//
// Thread-safe: acquire() and leases may be used from any thread of the
// io_context. Leases may outlive the Pool (e.g. coroutines still suspended
// when a server shuts down); their connections are then simply closed. The
// Pool must be destroyed before its io_context.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "core/task.h"
#include "db/connection.h"
#include "db/priority.h"

namespace wh::metrics {
class Histogram;
}

namespace wh::db {

struct PoolOptions {
  ConnectOptions connect;
  int size = 6;
  std::chrono::milliseconds acquire_timeout{3000};
  int connect_retries = 4;  // extra attempts with exponential backoff, within acquire_timeout
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
  std::uint64_t discarded = 0;      // broken or server-closed connections dropped
  std::uint64_t health_probes = 0;  // statements run by check_health()
};

struct PoolCore;

// Exclusive use of one connection; gives the connection (or, when it broke,
// its slot) back to the pool when destroyed, also during stack unwinding.
class Lease {
 public:
  Lease() = default;
  Lease(std::shared_ptr<PoolCore> core, std::unique_ptr<Connection> conn);
  Lease(Lease&& o) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  std::shared_ptr<PoolCore> core_;
  std::unique_ptr<Connection> conn_;
};

struct HealthCheck {
  bool ok = false;
  bool probed = false;  // this call ran the statement (otherwise: cached or shared)
};

class Pool {
 public:
  Pool(boost::asio::any_io_executor ex, PoolOptions options);
  // Closes idle connections and fails queued waiters; see the class comment.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // `fresh`: never an idle connection, a newly opened one (a retry after a
  // lost connection must not land on another connection that died with it).
  enum class Fresh { no, yes };

  // Waits for a connection; throws ApiError(503) when `acquire_timeout`
  // passes or the database cannot be reached.
  Task<Lease> acquire(Fresh fresh = Fresh::no, Priority priority = Priority::request);
  PoolStats stats() const;
  // How long each acquisition queued for a connection (0 when one was free), in seconds.
  const metrics::Histogram& wait_seconds() const;
  // Client-side bound for one statement: the server's statement_timeout plus slack.
  std::chrono::milliseconds statement_deadline() const;
  const boost::asio::any_io_executor& executor() const;

  // Whether the database answers, from a result at most `max_age` old:
  // concurrent callers share one probe, so a flood of health checks costs
  // one statement per `max_age`, not one each. Never throws.
  Task<HealthCheck> check_health(std::chrono::milliseconds max_age = std::chrono::milliseconds(1000));

 private:
  std::shared_ptr<PoolCore> core_;
};

}  // namespace wh::db
