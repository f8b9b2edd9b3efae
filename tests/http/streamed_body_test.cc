// Streamed responses (Response::stream): chunked on HTTP/1.1 in the order
// written, each write waiting for a slow reader (a reader that stops stops
// the producer), a failing producer truncates instead of ending cleanly,
// HTTP/1.0 and HEAD.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "http/server.h"
#include "support/http_client.h"

namespace wh::test {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

// What the producers of the server below report.
struct Probe {
  std::atomic<int> written{0};
  std::atomic<bool> returned{false};
};

// A server whose handler streams by path:
//   /count/<n>  "piece-0\n" .. "piece-<n-1>\n", an empty write between them
//   /endless    64 KiB pieces until a write fails
//   /fails      one piece, then the producer throws
class StreamedServer {
 public:
  StreamedServer() : server_(io_, options(), [this](http::Request& r) { return handle(r); }) {
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StreamedServer() {
    io_.stop();
    thread_.join();
  }
  unsigned short port() const { return server_.port(); }
  std::shared_ptr<Probe> probe = std::make_shared<Probe>();

 private:
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }

  Task<http::Response> handle(http::Request& req) {
    http::Response res;
    res.content_type = http::Bytes::literal("text/plain");
    auto p = probe;
    if (req.path.rfind("/count/", 0) == 0) {
      int n = std::stoi(req.path.substr(7));
      res.stream = [p, n](http::BodySink& sink) { return count(p, n, sink); };
    } else if (req.path == "/endless") {
      res.stream = [p](http::BodySink& sink) { return endless(p, sink); };
    } else {
      res.stream = [p](http::BodySink& sink) { return failing(p, sink); };
    }
    co_return res;
  }

  static Task<void> count(std::shared_ptr<Probe> p, int n, http::BodySink& sink) {
    for (int i = 0; i < n; ++i) {
      std::string piece = "piece-" + std::to_string(i) + "\n";
      bool ok = co_await sink.write(piece);
      if (!ok) break;
      ++p->written;
      std::string nothing;
      co_await sink.write(nothing);
    }
  }
  static Task<void> endless(std::shared_ptr<Probe> p, http::BodySink& sink) {
    std::string piece(64 * 1024, 'x');
    for (;;) {
      bool ok = co_await sink.write(piece);
      if (!ok) break;
      ++p->written;
    }
    p->returned = true;
  }
  static Task<void> failing(std::shared_ptr<Probe> p, http::BodySink& sink) {
    std::string piece = "partial\n";
    co_await sink.write(piece);
    ++p->written;
    throw std::runtime_error("database gone");
  }

  asio::io_context io_;
  http::Server server_;
  std::thread thread_;
};

std::string expected_body(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) body += "piece-" + std::to_string(i) + "\n";
  return body;
}

TEST(StreamedBody, PiecesArriveChunkedInOrderAndTheConnectionIsReused) {
  StreamedServer server;
  auto r = HttpClient(server.port()).get("/count/50");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("content-length"), "");
  EXPECT_EQ(r.body, expected_body(50));

  // Two requests on one connection: the first body ends with the last
  // chunk, so the second request is answered on the same connection.
  std::string raw = raw_exchange(server.port(),
                                 "GET /count/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /count/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(raw.find("\r\n\r\n8\r\npiece-0\n\r\n8\r\npiece-1\n\r\n0\r\n\r\nHTTP/1.1 200"), std::string::npos) << raw;
  EXPECT_EQ(raw.rfind("8\r\npiece-0\n\r\n0\r\n\r\n"), raw.size() - 18) << raw;
}

TEST(StreamedBody, Http10GetsTheRawBodyEndedByClosingAndHeadGetsNoBody) {
  StreamedServer server;
  std::string raw = raw_exchange(server.port(), "GET /count/3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(raw.find("Transfer-Encoding"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("Connection: keep-alive"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.find("\r\n\r\n") + 4), expected_body(3));

  std::string head = raw_exchange(server.port(), "HEAD /count/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
  EXPECT_EQ(server.probe->written, 3) << "HEAD ran the producer";
}

TEST(StreamedBody, AProducerThatThrowsCutsTheBodyInsteadOfEndingIt) {
  StreamedServer server;
  std::string raw = raw_exchange(server.port(), "GET /fails HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(raw.find("8\r\npartial\n\r\n"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("0\r\n\r\n"), std::string::npos) << "a cut body was ended as whole: " << raw;
  EXPECT_THROW(HttpClient(server.port()).get("/fails"), std::exception);
  // The server goes on serving.
  EXPECT_EQ(HttpClient(server.port()).get("/count/1").body, expected_body(1));
}

// A client that stops reading: the socket buffers fill and the write waits,
// so the producer stops. Once the client is gone the write fails and the
// producer returns.
TEST(StreamedBody, AReaderThatStopsStopsTheProducer) {
  StreamedServer server;
  asio::io_context io;
  asio::ip::tcp::socket client(io);
  client.open(asio::ip::tcp::v4());
  client.set_option(asio::socket_base::receive_buffer_size(4096));
  client.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  asio::write(client, asio::buffer(std::string("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")));

  int before = -1;
  for (int i = 0; i < 50 && (before != server.probe->written || before <= 0); ++i) {
    before = server.probe->written;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_GT(before, 0);
  ASSERT_EQ(before, server.probe->written) << "the producer kept going while nobody read";
  // The kernel buffers hold a few MiB at most; an unthrottled producer
  // would have written far more by now.
  EXPECT_LT(server.probe->written, 200);
  EXPECT_FALSE(server.probe->returned);

  client.set_option(asio::socket_base::linger(true, 0));
  client.close();
  for (int i = 0; i < 100 && !server.probe->returned; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(server.probe->returned) << "the producer outlived its client";
}

}  // namespace
}  // namespace wh::test
