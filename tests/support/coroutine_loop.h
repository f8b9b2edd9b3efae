// An io_context for tests that run coroutines on it and collect their
// exceptions (the database pool and bridge tests).
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wh::test {

// The message of a collected exception.
inline std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Runs `io` until `task` completes and returns its result (or throws its
// exception); for tests whose other work on `io` ends with the task.
template <typename T, typename Task>
T run_task(boost::asio::io_context& io, Task task) {
  auto f = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.restart();
  io.run();
  return f.get();
}

struct CoroutineLoop {
  boost::asio::io_context io;
  std::mutex mu;
  std::vector<std::exception_ptr> errors;

  template <class F>
  void spawn(F f) {
    boost::asio::co_spawn(io, std::move(f), [this](std::exception_ptr e) {
      std::lock_guard lock(mu);
      if (e) errors.push_back(e);
    });
  }
  // Runs on `threads` threads until every coroutine finished (bounded so
  // that a hang fails the test).
  void run(std::chrono::seconds limit = std::chrono::seconds(30), int threads = 1) {
    io.restart();
    std::vector<std::thread> extra;
    for (int i = 1; i < threads; ++i) extra.emplace_back([&] { io.run_for(limit); });
    io.run_for(limit);
    for (auto& t : extra) t.join();
    EXPECT_TRUE(io.stopped()) << "coroutines still running after " << limit.count() << " s";
  }
  std::size_t error_count() {
    std::lock_guard lock(mu);
    return errors.size();
  }
  // Reports every exception collected so far as a failure, and forgets them.
  void expect_no_errors() {
    std::lock_guard lock(mu);
    for (const auto& e : errors) ADD_FAILURE() << "coroutine failed: " << describe(e);
    errors.clear();
  }
};

}  // namespace wh::test
