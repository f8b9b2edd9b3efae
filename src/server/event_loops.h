// The server's event loops: one io_context per thread. The first (main())
// also runs the database connections, the change listener and the
// background workers; the HTTP server spreads its connections over all().
#pragma once
#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace wh::server {

class EventLoops {
 public:
  explicit EventLoops(int count);
  // Joins the threads, then shuts every context down (below) before it
  // destroys any.
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  boost::asio::io_context& main() { return *contexts_.front(); }
  int size() const { return static_cast<int>(contexts_.size()); }
  // Between run() and join().
  bool running() const { return !threads_.empty(); }
  std::vector<boost::asio::io_context*> all() const;

  // Starts one thread per context. Each keeps running, even with nothing to
  // wait for, until stop().
  void run();
  // Stops every loop (from any thread, a loop's own included).
  void stop();
  // Waits for the threads of run(); not from one of them.
  void join();

 private:
  // An io_context whose services can be shut down without destroying it.
  struct Context : boost::asio::io_context {
    Context() : boost::asio::io_context(1) {}
    using boost::asio::execution_context::shutdown;
  };

  std::vector<std::unique_ptr<Context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace wh::server
