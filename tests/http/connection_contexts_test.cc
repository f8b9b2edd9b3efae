// The HTTP server's connections on per-thread io_contexts (Server's second
// constructor, as the App runs it) and its one deadline per connection: a
// connection stays on one loop, connections use every context, a handler
// slower than the read timeout still answers, and a deadline that moves
// earlier than the one the watchdog waits for is still kept.
#include <gtest/gtest.h>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "http/server.h"
#include "server/event_loops.h"
#include "support/http_client.h"

namespace wh::test {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The bodies of the responses in `raw`, in order (Content-Length framed).
std::vector<std::string> bodies_of(const std::string& raw) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const auto end = raw.find("\r\n\r\n", pos);
    if (end == std::string::npos) break;
    const auto len_at = raw.find("Content-Length: ", pos);
    if (len_at == std::string::npos || len_at > end) break;
    const auto length = std::stoul(raw.substr(len_at + 16, raw.find("\r\n", len_at) - len_at - 16));
    out.push_back(raw.substr(end + 4, length));
    pos = end + 4 + length;
  }
  return out;
}

// A bare server on two event loops, as the App runs it (EventLoops); the
// handler answers with the number of the loop it runs on (0 or 1), after a
// delay when the path is /slow.
class ConnectionContexts : public ::testing::Test {
 protected:
  void start(std::chrono::seconds idle, std::chrono::seconds read) {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.idle_timeout = idle;
    o.read_timeout = read;
    server_ = std::make_unique<http::Server>(
        loops_.main(), loops_.all(), o, [this](http::Request& r) -> Task<http::Response> {
          auto ex = co_await asio::this_coro::executor;
          if (r.path == "/slow") {
            asio::steady_timer t(ex, 2500ms);
            co_await t.async_wait(asio::use_awaitable);
          }
          co_return http::Response::json(std::to_string(loop_number(asio::query(ex, asio::execution::context))));
        });
    server_->start();
    loops_.run();
  }
  int loop_number(const asio::execution_context& ctx) const {
    const auto all = loops_.all();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i] == &ctx) return static_cast<int>(i);
    }
    return -1;
  }
  void TearDown() override {
    loops_.stop();
    loops_.join();
  }

  server::EventLoops loops_{2};  // outlives the server: destroyed after it
  std::unique_ptr<http::Server> server_;
};

TEST_F(ConnectionContexts, AConnectionStaysOnItsThreadAndConnectionsUseEveryContext) {
  start(10s, 10s);
  const std::string three =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::set<std::string> threads_seen;
  for (int connection = 0; connection < 4; ++connection) {
    auto bodies = bodies_of(raw_exchange(server_->port(), three, 5000));
    ASSERT_EQ(bodies.size(), 3u) << "connection " << connection;
    EXPECT_EQ(bodies[0], bodies[1]) << "a connection changed threads between requests";
    EXPECT_EQ(bodies[1], bodies[2]) << "a connection changed threads between requests";
    threads_seen.insert(bodies[0]);
  }
  EXPECT_EQ(threads_seen, (std::set<std::string>{"0", "1"})) << "connections were not spread over both contexts";
}

TEST_F(ConnectionContexts, AHandlerSlowerThanTheReadTimeoutStillAnswers) {
  // The read's deadline must not run on while the handler works (2.5 s).
  start(1s, 1s);
  std::string raw = raw_exchange(server_->port(), "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000);
  EXPECT_EQ(raw.substr(0, 12), "HTTP/1.1 200") << raw;
}

TEST_F(ConnectionContexts, AnUnfinishedBodyIsCutAtTheReadTimeoutNotTheLongerIdleOne) {
  // The watchdog first waits for the idle deadline (30 s); the body's read
  // deadline (1 s) comes earlier and must re-arm it.
  start(30s, 1s);
  auto t0 = Clock::now();
  std::string raw =
      raw_exchange(server_->port(), "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partial\":", 20000);
  EXPECT_EQ(raw.find("HTTP/1.1 200"), std::string::npos) << raw;
  EXPECT_LT(Clock::now() - t0, 5s) << "the body's read timeout was not kept";
}

}  // namespace
}  // namespace wh::test
