// A few threads for CPU-heavy work (bcrypt) so that it never stalls the
// event loop. The calling coroutine resumes on its own executor afterwards.
//
// The queue is bounded: at most `threads` jobs run and `max_waiting` more
// wait. A job beyond that is refused at once with BlockingPool::Busy, so a
// flood of logins gets fast 503s instead of latency that grows without
// bound (each bcrypt takes tens of milliseconds).
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>

#include "core/task.h"

namespace wh {

class BlockingPool {
 public:
  // Thrown by run() when the queue is full; nothing was started.
  struct Busy : std::runtime_error {
    Busy() : std::runtime_error("blocking pool queue is full") {}
  };

  BlockingPool(int threads, std::size_t max_waiting);
  ~BlockingPool();
  // Runs `fn` on a pool thread; rethrows its exception in the caller. Throws
  // Busy (before suspending) when `threads + max_waiting` jobs are admitted.
  Task<void> run(std::function<void()> fn);
  // Jobs admitted and not finished (running or waiting).
  std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wh
