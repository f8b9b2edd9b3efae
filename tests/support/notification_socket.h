// A WebSocket client of /notifications for tests (the frontend's
// handshake: the token as the second subprotocol), driven synchronously on
// its own io_context.
#pragma once
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace wh::test {

// A client of /notifications. `status` is 101 when the upgrade succeeded,
// else the status the server refused it with.
struct SocketClient {
  boost::asio::io_context io;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws{io};
  int status = 0;
  std::string protocol;
  boost::system::error_code last_error;

  SocketClient(unsigned short port, const std::string& protocol_header, const std::string& origin = "") {
    ws.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    ws.set_option(boost::beast::websocket::stream_base::decorator([=](boost::beast::websocket::request_type& r) {
      if (!protocol_header.empty()) r.set(boost::beast::http::field::sec_websocket_protocol, protocol_header);
      if (!origin.empty()) r.set(boost::beast::http::field::origin, origin);
    }));
    boost::beast::websocket::response_type res;
    boost::system::error_code ec;
    ws.handshake(res, "127.0.0.1", "/notifications", ec);
    status = static_cast<int>(res.result_int());
    protocol = std::string(res[boost::beast::http::field::sec_websocket_protocol]);
  }

  // The next text message within `timeout`, or nullopt (closed, failed or
  // nothing came; after a timeout the client is no longer usable).
  std::optional<boost::json::object> next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    boost::beast::flat_buffer b;
    std::optional<boost::system::error_code> done;
    ws.async_read(b, [&](boost::system::error_code ec, std::size_t) { done = ec; });
    io.restart();
    io.run_for(timeout);
    if (!done) {
      boost::system::error_code ignored;
      ws.next_layer().cancel(ignored);
      io.restart();
      io.run();
      return std::nullopt;
    }
    last_error = *done;
    if (*done) return std::nullopt;
    return boost::json::parse(boost::beast::buffers_to_string(b.data())).as_object();
  }
  void send(const std::string& text) { ws.write(boost::asio::buffer(text)); }
};

}  // namespace wh::test
