// Per-path request body limits of the HTTP server (ServerOptions::body_limits):
// the most specific rule whose path is a whole-segment prefix of the decoded
// request path applies, other paths get max_body_bytes, for a declared
// Content-Length and for chunked bodies alike, and `Expect: 100-continue`
// answered before the body is sent.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
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

// A POST of `bytes` bytes to /upload with `Expect: 100-continue`, sending
// the body only after the interim answer (as curl does): what came back
// before the body was sent, and the final answer's status line ("" when
// none came within 3 s).
struct ContinueExchange {
  std::string interim;
  std::string final_status;
};
ContinueExchange post_expecting_continue(unsigned short port, std::size_t bytes) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket sock(io);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{3, 0};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string head =
      "POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(bytes) + "\r\n\r\n";
  asio::write(sock, asio::buffer(head));
  asio::streambuf in;
  boost::system::error_code ec;
  std::size_t n = asio::read_until(sock, in, "\r\n\r\n", ec);
  ContinueExchange out;
  if (ec) return out;
  out.interim = std::string(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + n);
  in.consume(n);
  if (out.interim.rfind("HTTP/1.1 100", 0) != 0) {  // a final answer instead
    out.final_status = out.interim.substr(0, 12);
    out.interim.clear();
    return out;
  }
  asio::write(sock, asio::buffer(std::string(bytes, 'x')), ec);
  asio::read(sock, in, ec);  // to the end: Connection: close
  std::string rest(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
  out.final_status = rest.substr(0, 12);
  return out;
}

TEST_F(BodyLimitServer, ExpectContinueIsAnsweredBeforeTheBody) {
  auto within = post_expecting_continue(server_->port(), 4000);
  EXPECT_EQ(within.interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(within.final_status, "HTTP/1.1 200");

  auto over = post_expecting_continue(server_->port(), 6000);
  EXPECT_EQ(over.interim, "") << "no invitation to send a body that would be refused";
  EXPECT_EQ(over.final_status, "HTTP/1.1 413");
}

}  // namespace
}  // namespace wh::test
