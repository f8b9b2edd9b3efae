// In-process wake-ups for the payment streams (GET
// /api/orders/:n/payment-stream): a stream subscribes to its order and
// sleeps until the order changes or its timeout passes. The change listener
// (server/state_sync) calls notify() for each 'order:<id>' notification
// (migration 0012's trigger, from whichever instance or backend wrote the
// order) and notify_all() when it reconnects (notifications may have been
// missed). A wake-up only says "look again": the stream re-reads the order.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/task.h"

namespace wh::orders {

class PaymentWatch {
 public:
  struct Waiter;

  // One stream's interest in one order; unsubscribes when destroyed. Used
  // by one coroutine, on the executor it was made for.
  class Subscription {
   public:
    Subscription(PaymentWatch& watch, std::string order_id, boost::asio::any_io_executor ex);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    // Returns true when the order changed (since the last wait), false after
    // `timeout` without a change.
    Task<bool> wait(std::chrono::milliseconds timeout);

   private:
    PaymentWatch& watch_;
    std::string order_id_;
    std::shared_ptr<Waiter> waiter_;
  };

  void notify(const std::string& order_id);
  void notify_all();
  // The server is shutting down: wakes every stream, and waits return at
  // once from now on; streams end when they see closed().
  void close();
  bool closed() const { return closed_.load(); }
  // Streams currently subscribed (for tests and metrics).
  std::size_t subscribers() const;

 private:
  std::atomic<bool> closed_{false};
  mutable std::mutex mu_;
  std::unordered_multimap<std::string, std::shared_ptr<Waiter>> waiters_;
};

}  // namespace wh::orders
