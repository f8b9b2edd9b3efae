#include "core/wakeable_loop.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace wh {

namespace asio = boost::asio;

WakeableLoop::WakeableLoop(asio::any_io_executor ex) : strand_(asio::make_strand(ex)), timer_(strand_) {}

Task<void> WakeableLoop::run(std::function<Task<void>()> body) {
  auto on_strand = [this, body = std::move(body)]() -> Task<void> {
    running_ = true;
    if (!stopping_) co_await body();
    running_ = false;
    if (on_exit_) {
      auto f = std::move(on_exit_);
      on_exit_ = nullptr;
      f();
    }
  };
  co_await asio::co_spawn(strand_, on_strand(), asio::use_awaitable);
}

void WakeableLoop::wake() {
  asio::post(strand_, [this] {
    woken_ = true;
    timer_.cancel();
  });
}

void WakeableLoop::stop(std::chrono::milliseconds max_wait, std::function<void()> done) {
  auto once = std::make_shared<std::atomic<bool>>(false);
  auto call = [once, done = std::move(done)] {
    if (!once->exchange(true)) done();
  };
  auto deadline = std::make_shared<asio::steady_timer>(strand_, max_wait);
  deadline->async_wait([call, deadline](const boost::system::error_code&) { call(); });
  asio::post(strand_, [this, call, deadline] {
    stopping_ = true;
    timer_.cancel();
    auto exit = [call, deadline] {
      deadline->cancel();
      call();
    };
    if (running_) {
      on_exit_ = exit;
    } else {
      exit();
    }
  });
}

Task<bool> WakeableLoop::sleep(std::chrono::milliseconds d) {
  if (!woken_ && !stopping_ && d.count() > 0) {
    timer_.expires_after(d);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  bool woken = woken_;
  woken_ = false;
  co_return woken;
}

}  // namespace wh
