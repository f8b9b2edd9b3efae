#include "http/websocket_conn.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "core/log.h"

namespace wh::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

using Timer = asio::steady_timer;

// State touched only on the stream's strand, except the atomics that
// send()/close() read from any thread.
class Connection final : public WebSocket, public std::enable_shared_from_this<Connection> {
 public:
  // `ex_` is a copy of the stream's strand: posting to it never touches the
  // stream, which may be gone once run() has returned.
  Connection(beast::tcp_stream& stream, const WebSocketOptions& options)
      : ex_(stream.get_executor()),
        ws_(stream),
        options_(options),
        wake_(stream.get_executor()),
        writer_done_(stream.get_executor()) {
    wake_.expires_at(Timer::time_point::max());
    writer_done_.expires_at(Timer::time_point::max());
  }

  bool send(std::string text) override {
    if (closed_.load()) return false;
    const std::size_t size = text.size();
    if (queued_bytes_.fetch_add(size) + size > options_.max_queued_bytes) {
      queued_bytes_.fetch_sub(size);
      drop();
      return false;
    }
    asio::post(ex_, [self = shared_from_this(), t = std::move(text)]() mutable {
      if (self->ended_) {
        self->queued_bytes_.fetch_sub(t.size());
        return;
      }
      self->queue_.push_back(std::move(t));
      self->wake_.cancel();
    });
    return true;
  }

  void close(std::uint16_t code, std::string reason) override {
    if (closed_.exchange(true)) return;
    asio::post(ex_, [self = shared_from_this(), code, r = std::move(reason)]() mutable {
      if (self->ended_) return;
      if (r.size() > 120) r.resize(120);  // a close frame's payload is at most 125 bytes
      self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), r);
      self->closing_ = true;
      self->wake_.cancel();
    });
  }

  // The slow-client rule: no close handshake (its queue is full), the
  // connection is cut.
  void drop() {
    closed_.store(true);
    asio::post(ex_, [self = shared_from_this()] {
      if (self->ended_) return;
      self->dropped_ = true;
      beast::get_lowest_layer(self->ws_).cancel();
      self->wake_.cancel();
    });
  }

  Task<void> run(const beast::http::request<beast::http::string_body>& upgrade, const Response& res,
                 const std::atomic<bool>& draining) {
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout = options_.ping_interval * 2;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    std::string protocol = res.websocket_protocol;
    ws_.set_option(websocket::stream_base::decorator([protocol](websocket::response_type& r) {
      if (!protocol.empty()) r.set(beast::http::field::sec_websocket_protocol, protocol);
    }));
    ws_.read_message_max(64 * 1024);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts apply instead
    auto [aec] = co_await ws_.async_accept(upgrade, asio::as_tuple(asio::use_awaitable));
    if (aec || draining.load()) {
      closed_.store(true);
      co_return;
    }
    auto& handler = *res.websocket;
    try {
      handler.opened(shared_from_this());
      writer_started_ = true;
      asio::co_spawn(
          ex_, [self = shared_from_this()]() -> Task<void> { co_await self->write_loop(); }, asio::detached);
      beast::flat_buffer buffer;
      for (;;) {
        auto [rec, n] = co_await ws_.async_read(buffer, asio::as_tuple(asio::use_awaitable));
        if (rec || dropped_) break;
        if (ws_.got_text()) {
          handler.received(std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()));
        }
        buffer.consume(buffer.size());
      }
    } catch (const std::exception& e) {
      log::warn("websocket handler failed", {{"error", e.what()}});
    }
    ended_ = true;
    closed_.store(true);
    // A writer stuck on a client that no longer reads is cancelled.
    beast::get_lowest_layer(ws_).cancel();
    wake_.cancel();
    if (writer_started_ && !writer_finished_) {
      co_await writer_done_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    try {
      handler.closed();
    } catch (const std::exception& e) {
      log::warn("websocket handler failed", {{"error", e.what()}});
    }
  }

 private:
  Task<void> write_loop() {
    for (;;) {
      while (!queue_.empty() && !dropped_ && !ended_) {
        std::string message = std::move(queue_.front());
        queue_.pop_front();
        ws_.text(true);
        auto [ec, n] = co_await ws_.async_write(asio::buffer(message), asio::as_tuple(asio::use_awaitable));
        queued_bytes_.fetch_sub(message.size());
        if (ec) {
          finish_writer();
          co_return;
        }
      }
      if (dropped_ || ended_) break;
      if (closing_) {
        co_await ws_.async_close(close_reason_, asio::as_tuple(asio::use_awaitable));
        break;
      }
      // Safe against lost wake-ups: everything that cancels the timer runs on
      // this strand, and the state was checked just above.
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      wake_.expires_at(Timer::time_point::max());
    }
    finish_writer();
  }

  void finish_writer() {
    writer_finished_ = true;
    writer_done_.cancel();
  }

  asio::any_io_executor ex_;
  websocket::stream<beast::tcp_stream&> ws_;
  WebSocketOptions options_;
  Timer wake_;         // the writer sleeps on it until there is work
  Timer writer_done_;  // the reader waits on it for the writer to stop
  std::deque<std::string> queue_;
  websocket::close_reason close_reason_;
  bool closing_ = false;
  bool dropped_ = false;
  bool ended_ = false;
  bool writer_started_ = false;
  bool writer_finished_ = false;
  std::atomic<bool> closed_{false};
  std::atomic<std::size_t> queued_bytes_{0};
};

}  // namespace

Task<void> run_websocket(beast::tcp_stream& stream, const beast::http::request<beast::http::string_body>& upgrade,
                         const Response& res, const WebSocketOptions& options, const std::atomic<bool>& draining,
                         std::weak_ptr<WebSocket>& registered) {
  auto connection = std::make_shared<Connection>(stream, options);
  registered = connection;
  co_await connection->run(upgrade, res, draining);
}

}  // namespace wh::http
