// Accepted WebSockets (Response::websocket): the handshake selects the
// route's subprotocol, text messages reach the handler and its sends reach
// the client in order, a close from either side ends it, a client that
// reads too slowly is dropped instead of buffered without limit, and one
// that stops answering pings is dropped while a reading one stays.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace wh::test {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using namespace std::chrono_literals;

// What the handlers of the server below saw.
struct Probe {
  std::mutex mu;
  std::vector<std::string> received;
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<long long> flood_sent{0};    // bytes the flood handler got accepted
  std::atomic<bool> flood_refused{false};  // a send returned false
};

// Echoes each message as "echo:<text>"; "close" makes it close the socket.
class EchoHandler final : public http::WebSocketHandler {
 public:
  explicit EchoHandler(std::shared_ptr<Probe> p) : probe_(std::move(p)) {}
  void opened(std::shared_ptr<http::WebSocket> socket) override {
    socket_ = std::move(socket);
    ++probe_->opened;
  }
  void received(std::string_view text) override {
    {
      std::lock_guard lock(probe_->mu);
      probe_->received.emplace_back(text);
    }
    if (text == "close") {
      socket_->close(4000, "asked to");
    } else {
      socket_->send("echo:" + std::string(text));
    }
  }
  void closed() override {
    ++probe_->closed;
    socket_.reset();
  }

 private:
  std::shared_ptr<Probe> probe_;
  std::shared_ptr<http::WebSocket> socket_;
};

// Sends 64 KiB messages at a steady pace (about 32 MB/s) until 32 MiB are
// accepted or a send is refused.
class FloodHandler final : public http::WebSocketHandler {
 public:
  explicit FloodHandler(std::shared_ptr<Probe> p) : probe_(std::move(p)) {}
  ~FloodHandler() override {
    if (producer_.joinable()) producer_.join();
  }
  void opened(std::shared_ptr<http::WebSocket> socket) override {
    ++probe_->opened;
    producer_ = std::thread([probe = probe_, socket] {
      const std::string piece(64 * 1024, 'x');
      while (probe->flood_sent < 32LL * 1024 * 1024) {
        if (!socket->send(piece)) {
          probe->flood_refused = true;
          return;
        }
        probe->flood_sent += static_cast<long long>(piece.size());
        std::this_thread::sleep_for(2ms);
      }
    });
  }
  void received(std::string_view) override {}
  void closed() override { ++probe_->closed; }

 private:
  std::shared_ptr<Probe> probe_;
  std::thread producer_;
};

class SocketServer {
 public:
  SocketServer() : server_(io_, options(), [this](http::Request& r) { return handle(r); }) {
    server_.start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~SocketServer() {
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  unsigned short port() const { return server_.port(); }
  std::shared_ptr<Probe> probe = std::make_shared<Probe>();

 private:
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.websocket_ping_interval = 300ms;
    o.websocket_max_queued_bytes = 4 * 1024 * 1024;
    return o;
  }
  Task<http::Response> handle(http::Request& req) {
    if (!http::is_websocket_upgrade(req)) co_return http::Response::json("{}", 426);
    http::Response res;
    res.status = 101;
    res.websocket_protocol = "access_token";
    if (req.path == "/flood") {
      res.websocket = std::make_shared<FloodHandler>(probe);
    } else {
      res.websocket = std::make_shared<EchoHandler>(probe);
    }
    co_return res;
  }

  asio::io_context io_;
  http::Server server_;
  std::vector<std::thread> threads_;
};

struct Client {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  std::string selected_protocol;

  Client(unsigned short port, const std::string& target) {
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
      r.set(beast::http::field::sec_websocket_protocol, "access_token, some.jwt.value");
    }));
    websocket::response_type res;
    ws.handshake(res, "127.0.0.1", target);
    selected_protocol = std::string(res[beast::http::field::sec_websocket_protocol]);
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
};

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds within = 5s) {
  auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

TEST(WebSocket, HandshakeSelectsTheProtocolAndMessagesFlowBothWaysInOrder) {
  SocketServer server;
  Client c(server.port(), "/ws");
  EXPECT_EQ(c.selected_protocol, "access_token");
  for (int i = 0; i < 20; ++i) c.ws.write(asio::buffer("m" + std::to_string(i)));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.read(), "echo:m" + std::to_string(i));
  c.ws.close(websocket::close_code::normal);
  EXPECT_TRUE(eventually([&] { return server.probe->closed == 1; }));
  std::lock_guard lock(server.probe->mu);
  EXPECT_EQ(server.probe->received.size(), 20U);
}

TEST(WebSocket, TheServerSideCloseSendsItsCodeAndEndsTheConnection) {
  SocketServer server;
  Client c(server.port(), "/ws");
  c.ws.write(asio::buffer(std::string("close")));
  beast::flat_buffer b;
  boost::system::error_code ec;
  c.ws.read(b, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(c.ws.reason().code, 4000);
  EXPECT_TRUE(eventually([&] { return server.probe->closed == 1; }));
}

TEST(WebSocket, AClientThatReadsKeepsUpWithTheFlood) {
  SocketServer server;
  Client c(server.port(), "/flood");
  long long got = 0;
  while (got < 32LL * 1024 * 1024) got += static_cast<long long>(c.read().size());
  EXPECT_EQ(got, 32LL * 1024 * 1024);
  EXPECT_FALSE(server.probe->flood_refused);
}

TEST(WebSocket, AClientThatStopsReadingIsDroppedNotBufferedWithoutLimit) {
  SocketServer server;
  Client c(server.port(), "/flood");  // never reads
  ASSERT_TRUE(eventually([&] { return server.probe->flood_refused.load(); }, 20s));
  // Refused long before the 32 MiB: the 4 MiB queue plus the socket buffers.
  EXPECT_LT(server.probe->flood_sent.load(), 24LL * 1024 * 1024);
  EXPECT_TRUE(eventually([&] { return server.probe->closed == 1; }));
}

TEST(WebSocket, ASilentClientIsDroppedAfterUnansweredPingsAndAReadingOneStays) {
  SocketServer server;
  Client silent(server.port(), "/ws");  // never reads, so never answers a ping
  Client reading(server.port(), "/ws");
  std::thread reader([&] {
    beast::flat_buffer b;
    boost::system::error_code ec;
    reading.ws.read(b, ec);  // answers pings while it waits; fails at the shutdown below
  });
  // The silent one goes after about two ping intervals (600 ms).
  EXPECT_TRUE(eventually([&] { return server.probe->closed == 1; }, 5s));
  std::this_thread::sleep_for(1500ms);  // five more intervals: the reading one is still there
  EXPECT_EQ(server.probe->closed, 1);
  reading.ws.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both);
  reader.join();
  EXPECT_TRUE(eventually([&] { return server.probe->closed == 2; }));
}

}  // namespace
}  // namespace wh::test
