// A one-shot event that coroutines on any thread can wait for. set() may be
// called from any thread; each waiter is resumed on its own executor (never
// inline inside set()). Used by the pool and the caches (single-flight).
#pragma once
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <vector>

#include "core/task.h"

namespace wh {

class AsyncEvent {
 public:
  explicit AsyncEvent(boost::asio::any_io_executor fallback) : fallback_(std::move(fallback)) {}

  // Returns at once when already set. Registering the waiter and set() are
  // ordered by one mutex, so a wake-up can never be missed.
  Task<void> wait() {
    co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
        [this](auto handler) {
          std::unique_lock lock(mu_);
          if (set_) {
            lock.unlock();
            boost::asio::post(fallback_, std::move(handler));
            return;
          }
          handlers_.emplace_back(std::move(handler));
        },
        boost::asio::use_awaitable);
  }

  // For an event that will never be set (its setter was destroyed at
  // shutdown): destroys the waiting handlers, and with them the suspended
  // coroutines, instead of leaving them in a reference cycle.
  void abandon() {
    std::vector<boost::asio::any_completion_handler<void()>> handlers;
    {
      std::lock_guard lock(mu_);
      handlers.swap(handlers_);
    }
  }

  void set() {
    std::vector<boost::asio::any_completion_handler<void()>> handlers;
    {
      std::lock_guard lock(mu_);
      set_ = true;
      handlers.swap(handlers_);
    }
    // post() runs each handler on its associated executor (the waiting
    // coroutine's), falling back to `fallback_`.
    for (auto& h : handlers) boost::asio::post(fallback_, std::move(h));
  }

 private:
  boost::asio::any_io_executor fallback_;
  std::mutex mu_;
  bool set_ = false;
  std::vector<boost::asio::any_completion_handler<void()>> handlers_;
};

}  // namespace wh
