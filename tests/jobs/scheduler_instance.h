// One scheduler "instance" for the job tests: its own event loop (two
// threads), pool, metrics and jobs::Scheduler on a shared test database,
// as one server process has. Several on one database behave as several
// servers do.
#pragma once
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <thread>
#include <vector>

#include "accounts/auth_test_support.h"
#include "db/pool.h"
#include "jobs/scheduler.h"
#include "metrics/registry.h"
#include "support/test_env.h"

namespace wh::test {

// A config for schedulers that look often and take over quickly.
inline Config scheduler_config(const std::string& db) {
  Config c = test_config(db);
  c.jobs_enabled = true;
  c.jobs_tick = std::chrono::milliseconds(100);
  c.worker_lease_ttl = std::chrono::milliseconds(1000);
  return c;
}

class SchedulerInstance {
 public:
  explicit SchedulerInstance(Config c)
      : services(std::move(c)),
        pool(io.get_executor(), options(services.config)),
        scheduler(services, registry, io.get_executor()) {
    services.pool = &pool;
  }
  ~SchedulerInstance() { stop(); }

  void start() {
    boost::asio::co_spawn(io, scheduler.run(), boost::asio::detached);
    start_threads();
  }
  // One run of `spec` now, outside the scheduler (no claim, no history).
  jobs::JobResult run_job(const jobs::JobSpec& spec) {
    start_threads();
    auto once = [this, &spec]() -> Task<jobs::JobResult> {
      jobs::JobContext ctx(services, spec.name, std::chrono::steady_clock::now() + spec.timeout);
      co_return co_await spec.run(ctx);
    };
    return boost::asio::co_spawn(io, once(), boost::asio::use_future).get();
  }
  // As a clean shutdown: running jobs are asked to stop, the lease released.
  void stop() {
    if (threads_.empty()) return;
    std::promise<void> stopped;
    scheduler.stop(std::chrono::seconds(5), [&] { stopped.set_value(); });
    stopped.get_future().wait();
    work_.reset();
    io.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io.get_executor()};

 public:
  web::Services services;
  metrics::Registry registry;
  db::Pool pool;
  jobs::Scheduler scheduler;

 private:
  static db::PoolOptions options(const Config& c) {
    db::PoolOptions o;
    o.connect.url = c.database_url;
    o.size = 3;
    return o;
  }
  void start_threads() {
    while (threads_.size() < 2) threads_.emplace_back([this] { io.run(); });
  }
  std::vector<std::thread> threads_;
};

// Sleeps `d` inside a job (as a job waiting on I/O would).
inline Task<void> job_sleep(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

}  // namespace wh::test
