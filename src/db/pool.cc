#include "db/pool.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/error.h"
#include "core/log.h"
#include "db/pool_core.h"

namespace wh::db {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// A slot counted in PoolCore::open that is not (yet) backed by a lease:
// freed again unless disarmed, whatever ends the scope.
class SlotGuard {
 public:
  explicit SlotGuard(std::shared_ptr<PoolCore> core) : core_(std::move(core)) {}
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
  ~SlotGuard() {
    if (core_) core_->release(nullptr);
  }
  void disarm() { core_.reset(); }

 private:
  std::shared_ptr<PoolCore> core_;
};

// Connects with retries and exponential backoff, all within `deadline`.
Task<std::unique_ptr<Connection>> open_connection(PoolCore& core, Clock::time_point deadline) {
  auto backoff = std::chrono::milliseconds(100);
  for (int attempt = 0;; ++attempt) {
    std::string error;
    try {
      auto c = co_await Connection::connect(core.ex, core.options.connect, deadline);
      std::lock_guard lock(core.mu);
      ++core.counters.connects;
      co_return c;
    } catch (const DbError& e) {
      error = e.what();
    }
    {
      std::lock_guard lock(core.mu);
      ++core.counters.connect_failures;
    }
    log::warn("db connect failed", {{"attempt", attempt + 1}, {"error", error}});
    if (attempt >= core.options.connect_retries || Clock::now() + backoff >= deadline) {
      throw ApiError::unavailable("Database unavailable");
    }
    asio::steady_timer t(co_await asio::this_coro::executor, backoff);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace

Lease::Lease(std::shared_ptr<PoolCore> core, std::unique_ptr<Connection> conn)
    : core_(std::move(core)), conn_(std::move(conn)) {}

Lease::~Lease() {
  if (core_ && conn_) core_->release(std::move(conn_));
}

void PoolCore::release(std::unique_ptr<Connection> conn) {
  std::shared_ptr<PoolWaiter> woken;
  std::unique_ptr<Connection> dropped;  // closed outside the lock
  {
    std::lock_guard lock(mu);
    if (closed || !conn || !conn->healthy()) {
      if (conn && !closed) ++counters.discarded;
      dropped = std::move(conn);
      --open;
      if (!closed && !waiters.empty()) {
        woken = std::move(waiters.front());
        waiters.pop_front();
        woken->done = true;
        woken->may_create = true;
        ++open;
      }
    } else if (!waiters.empty()) {
      woken = std::move(waiters.front());
      waiters.pop_front();
      woken->done = true;
      woken->conn = std::move(conn);
    } else {
      idle.push_back(std::move(conn));
    }
  }
  dropped.reset();
  if (woken) woken->ready.set();
}

void PoolCore::expire(const std::shared_ptr<PoolWaiter>& w) {
  {
    std::lock_guard lock(mu);
    if (w->done) return;
    w->done = true;
    w->timed_out = true;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), w), waiters.end());
  }
  w->ready.set();
}

Pool::Pool(asio::any_io_executor ex, PoolOptions options)
    : core_(std::make_shared<PoolCore>(std::move(ex), std::move(options))) {
  core_->counters.size = core_->options.size;
}

Pool::~Pool() {
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<std::shared_ptr<PoolWaiter>> waiters;
  {
    std::lock_guard lock(core_->mu);
    core_->closed = true;
    idle.swap(core_->idle);
    waiters.swap(core_->waiters);
    core_->open -= static_cast<int>(idle.size());
    for (auto& w : waiters) {
      w->done = true;
      w->timed_out = true;
    }
  }
  idle.clear();
  for (auto& w : waiters) w->ready.set();
}

const asio::any_io_executor& Pool::executor() const { return core_->ex; }

std::chrono::milliseconds Pool::statement_deadline() const {
  auto st = core_->options.connect.statement_timeout;
  return st.count() > 0 ? st + std::chrono::milliseconds(2000) : std::chrono::milliseconds(60000);
}

PoolStats Pool::stats() const {
  std::lock_guard lock(core_->mu);
  PoolStats s = core_->counters;
  s.open = core_->open;
  s.idle = static_cast<int>(core_->idle.size());
  s.waiting = static_cast<int>(core_->waiters.size());
  return s;
}

const metrics::Histogram& Pool::wait_seconds() const { return core_->wait_seconds; }

Task<Lease> Pool::acquire(Fresh fresh, Priority priority) {
  std::shared_ptr<PoolCore> core = core_;  // kept alive across every suspension below
  const auto start = Clock::now();
  const auto deadline = start + core->options.acquire_timeout;
  auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<Connection> conn;
  std::vector<std::unique_ptr<Connection>> dead;  // closed outside the lock
  std::shared_ptr<PoolWaiter> waiter;
  bool own_slot = false;
  {
    std::lock_guard lock(core->mu);
    if (core->closed) throw ApiError::unavailable("Database unavailable");
    ++core->counters.acquired;
    if (fresh == Fresh::yes) {
      if (core->open < core->options.size) {
        ++core->open;
        own_slot = true;
      } else if (!core->idle.empty()) {
        // Replace an idle connection: it may have died with the one we lost.
        dead.push_back(std::move(core->idle.back()));
        core->idle.pop_back();
        ++core->counters.discarded;
        own_slot = true;
      }
    } else {
      while (!conn && !core->idle.empty()) {
        auto c = std::move(core->idle.back());
        core->idle.pop_back();
        if (c->alive()) {
          conn = std::move(c);
        } else {
          ++core->counters.discarded;
          --core->open;
          dead.push_back(std::move(c));
        }
      }
      if (!conn && core->open < core->options.size) {
        ++core->open;
        own_slot = true;
      }
    }
    if (!conn && !own_slot) {
      waiter = std::make_shared<PoolWaiter>(executor);
      waiter->background = priority == Priority::background;
      auto place = core->waiters.end();
      if (waiter->background) {
        place = std::find_if(core->waiters.begin(), core->waiters.end(),
                             [](const std::shared_ptr<PoolWaiter>& w) { return !w->background; });
      }
      core->waiters.insert(place, waiter);
      ++core->counters.waited;
    }
  }
  dead.clear();
  if (!waiter) core->wait_seconds.observe(0);

  if (waiter) {
    asio::steady_timer timer(executor, deadline);
    timer.async_wait([core, waiter](const boost::system::error_code& ec) {
      if (!ec) core->expire(waiter);
    });
    co_await waiter->ready.wait();
    timer.cancel();
    {
      std::lock_guard lock(core->mu);
      const auto waited = Clock::now() - start;
      core->counters.wait_us_total +=
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(waited).count());
      core->wait_seconds.observe(std::chrono::duration<double>(waited).count());
      if (waiter->timed_out) {
        if (core->closed) throw ApiError::unavailable("Database unavailable");
        ++core->counters.timeouts;
        throw ApiError::unavailable("Database is busy, please retry");
      }
      conn = std::move(waiter->conn);
    }
    // A handed-over connection is ours; its slot stays ours if we drop it.
    if (conn && (fresh == Fresh::yes || !conn->alive())) {
      std::lock_guard lock(core->mu);
      ++core->counters.discarded;
      dead.push_back(std::move(conn));
    }
    if (!conn) own_slot = true;
    dead.clear();
  }

  if (conn) co_return Lease(core, std::move(conn));
  // We hold a slot (counted in `open`): fill it, or free it whatever happens.
  SlotGuard slot(core);
  std::unique_ptr<Connection> opened = co_await open_connection(*core, deadline);
  slot.disarm();
  co_return Lease(core, std::move(opened));
}

}  // namespace wh::db
