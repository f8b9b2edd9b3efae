// Per-path request body limits of the HTTP server (ServerOptions::body_limits):
// the most specific rule whose path is a whole-segment prefix of the decoded
// request path applies, other paths get max_body_bytes, for a declared
// Content-Length and for chunked bodies alike.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "support/http_client.h"

namespace wh::test {
namespace {

// A bare server on loopback whose handler answers with the body's size.
class BodyLimitServer : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.max_body_bytes = 1000;
    o.body_limits = {{"/upload", 5000}, {"/upload/small", 100}};
    server_ = std::make_unique<http::Server>(io_, o, [](http::Request& r) -> Task<http::Response> {
      co_return http::Response::json(std::to_string(r.body.size()));
    });
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    thread_.join();
    server_.reset();
  }

  int post(const std::string& target, std::size_t bytes) {
    return HttpClient(server_->port()).request("POST", target, std::string(bytes, 'x')).status;
  }
  // The status line of a chunked POST of `bytes` bytes.
  std::string post_chunked(const std::string& target, std::size_t bytes) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", bytes);
    std::string out = raw_exchange(server_->port(), "POST " + target +
                                                        " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                                        "Transfer-Encoding: chunked\r\n\r\n" +
                                                        size + "\r\n" + std::string(bytes, 'x') + "\r\n0\r\n\r\n");
    return out.substr(0, 12);
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

struct Case {
  const char* rule;
  std::string target;
  std::size_t bytes;
  int status;
};

TEST_F(BodyLimitServer, EachPathGetsTheLimitOfItsMostSpecificRule) {
  const std::vector<Case> cases = {
      {"no rule: the default", "/api/json", 1000, 200},
      {"no rule: the default", "/api/json", 1001, 413},
      {"a rule raises its path's limit", "/upload", 5000, 200},
      {"a rule raises its path's limit", "/upload", 5001, 413},
      {"and the limit of the paths below", "/upload/batch?type=x", 4000, 200},
      {"prefixes match whole segments", "/uploads", 1001, 413},
      {"the most specific rule wins, even when smaller", "/upload/small", 100, 200},
      {"the most specific rule wins, even when smaller", "/upload/small", 101, 413},
      {"paths are percent-decoded as the router sees them", "/%75pload", 4000, 200},
      {"paths are percent-decoded as the router sees them", "/upload/%73mall", 101, 413},
      {"empty segments are ignored as the router ignores them", "//upload//", 4000, 200},
  };
  for (const auto& c : cases)
    EXPECT_EQ(post(c.target, c.bytes), c.status) << c.rule << ": " << c.target << " " << c.bytes;
}

TEST_F(BodyLimitServer, ChunkedBodiesAreHeldToTheirPathsLimit) {
  EXPECT_EQ(post_chunked("/upload", 4000), "HTTP/1.1 200");
  EXPECT_EQ(post_chunked("/upload", 6000), "HTTP/1.1 413");
  EXPECT_EQ(post_chunked("/api/json", 1500), "HTTP/1.1 413");
}

}  // namespace
}  // namespace wh::test
