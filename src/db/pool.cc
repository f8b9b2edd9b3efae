#include "db/pool.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/error.h"
#include "core/log.h"

namespace wh::db {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->release(std::move(conn_));
}

Pool::Pool(asio::any_io_executor ex, PoolOptions options) : ex_(std::move(ex)), options_(std::move(options)) {
  counters_.size = options_.size;
}

Pool::~Pool() = default;

std::chrono::milliseconds Pool::statement_deadline() const {
  auto st = options_.connect.statement_timeout;
  return st.count() > 0 ? st + std::chrono::milliseconds(2000) : std::chrono::milliseconds(60000);
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mu_);
  PoolStats s = counters_;
  s.open = open_;
  s.idle = static_cast<int>(idle_.size());
  s.waiting = static_cast<int>(waiters_.size());
  return s;
}

Task<std::unique_ptr<Connection>> Pool::open() {
  auto backoff = std::chrono::milliseconds(100);
  for (int attempt = 0;; ++attempt) {
    try {
      auto c = co_await Connection::connect(ex_, options_.connect);
      std::lock_guard lock(mu_);
      ++counters_.connects;
      co_return c;
    } catch (const DbError& e) {
      {
        std::lock_guard lock(mu_);
        ++counters_.connect_failures;
      }
      log::warn("db connect failed", {{"attempt", attempt + 1}, {"error", e.what()}});
      if (attempt >= options_.connect_retries) throw;
    }
    asio::steady_timer t(co_await asio::this_coro::executor, backoff);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

Task<Lease> Pool::acquire() {
  auto start = Clock::now();
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mu_);
    ++counters_.acquired;
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->healthy()) co_return Lease(this, std::move(c));
      --open_;
      ++counters_.discarded;
    }
    if (open_ < options_.size) {
      ++open_;  // our slot: filled below
    } else {
      waiter = std::make_shared<Waiter>(executor, start + options_.acquire_timeout);
      waiters_.push_back(waiter);
      ++counters_.waited;
    }
  }

  if (waiter) {
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::lock_guard lock(mu_);
    counters_.wait_us_total +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
    if (waiter->conn) co_return Lease(this, std::move(waiter->conn));
    if (!waiter->may_create) {
      waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
      ++counters_.timeouts;
      throw ApiError::unavailable("Database is busy, please retry");
    }
  }

  // We own a slot (open_ was incremented for us): fill it.
  try {
    co_return Lease(this, co_await open());
  } catch (const DbError&) {
    release(nullptr);
    throw ApiError::unavailable("Database unavailable");
  }
}

void Pool::wake(const std::shared_ptr<Waiter>& w) {
  asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

void Pool::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  bool usable = conn && conn->healthy();
  if (!usable) {
    if (conn) ++counters_.discarded;
    --open_;
    conn.reset();
    if (!waiters_.empty()) {
      auto w = waiters_.front();
      waiters_.pop_front();
      w->may_create = true;
      ++open_;
      wake(w);
    }
    return;
  }
  if (!waiters_.empty()) {
    auto w = waiters_.front();
    waiters_.pop_front();
    w->conn = std::move(conn);
    wake(w);
    return;
  }
  idle_.push_back(std::move(conn));
}

}  // namespace wh::db
