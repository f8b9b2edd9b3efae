// Response::stream: a body written piece by piece after the head, chunked to
// HTTP/1.1 (keep-alive kept), close-delimited to HTTP/1.0.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "http/server.h"
#include "support/http_client.h"

namespace wh::test {
namespace {

class StreamedBody : public ::testing::Test {
 protected:
  StreamedBody()
      : server_(io_, options(), [](http::Request& req) -> Task<http::Response> {
          http::Response res;
          if (req.path != "/stream") {
            res.body = "plain";
            co_return res;
          }
          res.content_type = http::Bytes::literal("text/event-stream");
          res.stream = [](http::BodySink& sink) -> Task<void> {
            for (const char* piece : {"data: 1\n\n", "", "data: 2\n\n"}) {
              std::string bytes = piece;
              bool sent = co_await sink.write(bytes);
              if (!sent) co_return;
            }
          };
          co_return res;
        }) {
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StreamedBody() override {
    io_.stop();
    thread_.join();
  }
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }

  boost::asio::io_context io_;
  http::Server server_;
  std::thread thread_;
};

TEST_F(StreamedBody, Http11GetsChunksAndKeepsTheConnection) {
  std::string raw = raw_exchange(server_.port(),
                                 "GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n");
  EXPECT_NE(raw.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\r\n\r\n9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\nHTTP/1.1 200"), std::string::npos)
      << raw;
  EXPECT_EQ(raw.substr(raw.size() - 5), "plain");
  auto parsed = HttpClient(server_.port()).get("/stream");
  EXPECT_EQ(parsed.body, "data: 1\n\ndata: 2\n\n");
  EXPECT_EQ(parsed.header("content-type"), "text/event-stream");
}

TEST_F(StreamedBody, Http10GetsTheBytesAndAClose) {
  std::string raw = raw_exchange(server_.port(), "GET /stream HTTP/1.0\r\n\r\n");
  EXPECT_EQ(raw.find("Transfer-Encoding"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("Content-Length"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.find("\r\n\r\n") + 4), "data: 1\n\ndata: 2\n\n");
}

}  // namespace
}  // namespace wh::test
