// The control of a background worker's loop, apart from its work: a strand
// the loop runs on, a sleep that wake() cuts short, and a stop() that lets
// the loop finish its step (and release its lease) with a deadline.
// Generic: the purge, mail and payment workers and the job scheduler use it.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>

#include "core/task.h"

namespace wh {

class WakeableLoop {
 public:
  explicit WakeableLoop(boost::asio::any_io_executor ex);
  WakeableLoop(const WakeableLoop&) = delete;
  WakeableLoop& operator=(const WakeableLoop&) = delete;

  // Runs `body` on the strand and returns when it has; `body` should return
  // soon after stopping() turns true.
  Task<void> run(std::function<Task<void>()> body);
  // Cuts the current or next sleep short. Any thread.
  void wake();
  // Sets stopping() and cuts the sleep short; calls `done` exactly once:
  // when run()'s body has returned (at once when it is not running), or
  // after `max_wait` at the latest. Any thread.
  void stop(std::chrono::milliseconds max_wait, std::function<void()> done);

  // On the strand only (inside the body):
  bool stopping() const { return stopping_; }
  // Sleeps up to `d` (not at all when woken or stopping meanwhile);
  // returns whether a wake() came, and consumes it.
  Task<bool> sleep(std::chrono::milliseconds d);

 private:
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  bool woken_ = false;
  bool stopping_ = false;
  bool running_ = false;
  std::function<void()> on_exit_;
};

}  // namespace wh
