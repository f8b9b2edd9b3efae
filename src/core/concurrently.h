// Runs several coroutines at once and waits for all of them: for work whose
// parts wait on I/O independently (e.g. database round trips of unrelated
// orders). They run on the caller's executor (a strand stays a strand: the
// parts interleave at their suspension points, never in parallel on it).
#pragma once
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/async_event.h"
#include "core/task.h"

namespace wh {

// Returns when every task has finished; then rethrows the first exception
// any of them threw (the others still ran to their end).
inline Task<void> run_concurrently(std::vector<std::function<Task<void>()>> tasks) {
  if (tasks.empty()) co_return;
  auto ex = co_await boost::asio::this_coro::executor;
  struct State {
    explicit State(boost::asio::any_io_executor e, std::size_t n) : left(n), done(std::move(e)) {}
    std::atomic<std::size_t> left;
    std::mutex mu;
    std::exception_ptr first_error;
    AsyncEvent done;
  };
  auto state = std::make_shared<State>(ex, tasks.size());
  for (auto& task : tasks) {
    boost::asio::co_spawn(ex, task(), [state](const std::exception_ptr& e) {
      if (e) {
        std::lock_guard lock(state->mu);
        if (!state->first_error) state->first_error = e;
      }
      if (state->left.fetch_sub(1) == 1) state->done.set();
    });
  }
  co_await state->done.wait();
  if (state->first_error) std::rethrow_exception(state->first_error);
}

}  // namespace wh
