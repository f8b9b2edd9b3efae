#include "http/client_hosts.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/async_event.h"

namespace wh::http::outbound {
namespace asio = boost::asio;

// One queued acquire(). Fields other than `ready` are guarded by HostTable::mu_.
struct HostTable::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : ready(ex) {}
  AsyncEvent ready;  // set once, when `done` is decided
  bool done = false;
  bool timed_out = false;      // deadline passed or the table closed
  std::unique_ptr<Conn> conn;  // handed over by a release; null = a free slot
};

HostLease::HostLease(std::shared_ptr<HostTable> table, std::string key, std::unique_ptr<Conn> c)
    : conn(std::move(c)), table_(std::move(table)), key_(std::move(key)) {}

HostLease::~HostLease() {
  if (table_) table_->release(key_, keep_ ? std::move(conn) : nullptr);
}

std::unique_ptr<Conn> HostTable::take_idle(Host& h, std::vector<std::unique_ptr<Conn>>& dead) {
  auto now = Clock::now();
  while (!h.idle.empty()) {
    auto c = std::move(h.idle.back());
    h.idle.pop_back();
    if (now - c->idle_since <= idle_keep_ && c->idle_usable()) return c;
    dead.push_back(std::move(c));
    --h.open;
  }
  return nullptr;
}

Task<HostLease> HostTable::acquire(std::shared_ptr<HostTable> self, std::string key, Clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::unique_ptr<Conn>> dead;  // closed outside the lock
  std::unique_ptr<Conn> conn;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(self->mu_);
    if (self->closed_) throw OutboundError(OutboundError::Kind::protocol, "the outbound client is closed");
    Host& h = self->hosts_[key];
    conn = self->take_idle(h, dead);
    if (!conn && h.open < self->cap_) {
      ++h.open;
    } else if (!conn) {
      waiter = std::make_shared<Waiter>(ex);
      h.waiters.push_back(waiter);
      ++self->queued;
    }
  }
  dead.clear();
  if (waiter) {
    asio::steady_timer timer(ex, deadline);
    timer.async_wait([self, key, waiter](const boost::system::error_code& ec) {
      if (!ec) self->expire(key, waiter);
    });
    co_await waiter->ready.wait();
    timer.cancel();
    std::lock_guard lock(self->mu_);
    if (waiter->timed_out) {
      throw OutboundError(OutboundError::Kind::timeout, "timed out waiting for a connection to " + key);
    }
    conn = std::move(waiter->conn);
  }
  if (conn) ++self->reused;
  co_return HostLease(self, key, std::move(conn));
}

void HostTable::release(const std::string& key, std::unique_ptr<Conn> conn) {
  std::shared_ptr<Waiter> woken;
  std::unique_ptr<Conn> dropped;
  {
    std::lock_guard lock(mu_);
    Host& h = hosts_[key];
    if (closed_) {
      dropped = std::move(conn);
      --h.open;
    } else if (!h.waiters.empty()) {
      // The connection, or the free slot, passes straight to the next in line.
      woken = std::move(h.waiters.front());
      h.waiters.pop_front();
      woken->done = true;
      woken->conn = std::move(conn);
    } else if (conn) {
      conn->idle_since = Clock::now();
      h.idle.push_back(std::move(conn));
    } else {
      --h.open;
      forget_if_unused(key);
    }
  }
  dropped.reset();
  if (woken) woken->ready.set();
}

void HostTable::expire(const std::string& key, const std::shared_ptr<Waiter>& w) {
  {
    std::lock_guard lock(mu_);
    if (w->done) return;
    w->done = true;
    w->timed_out = true;
    auto& waiters = hosts_[key].waiters;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), w), waiters.end());
    forget_if_unused(key);
  }
  w->ready.set();
}

void HostTable::forget_if_unused(const std::string& key) {
  auto it = hosts_.find(key);
  if (it != hosts_.end() && it->second.open == 0 && it->second.waiters.empty()) hosts_.erase(it);
}

void HostTable::close() {
  std::vector<std::unique_ptr<Conn>> idle;
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [key, h] : hosts_) {
      h.open -= static_cast<int>(h.idle.size());
      for (auto& c : h.idle) idle.push_back(std::move(c));
      h.idle.clear();
      for (auto& w : h.waiters) {
        w->done = true;
        w->timed_out = true;
        waiters.push_back(std::move(w));
      }
      h.waiters.clear();
    }
  }
  idle.clear();
  for (auto& w : waiters) w->ready.set();
}

}  // namespace wh::http::outbound
