// The server side of one accepted WebSocket (Response::websocket, message.h),
// internal to the HTTP layer: the handshake on the session's stream, a read
// loop that hands text messages to the handler, and one writer that sends
// the queued messages in order. Pings come from Beast's keep-alive: after
// `ping_interval` without a frame from the client it is pinged, and after
// twice that it is dropped. A client whose queue passes `max_queued_bytes`
// is dropped at once.
#pragma once
#include <atomic>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "core/task.h"
#include "http/message.h"

namespace wh::http {

struct WebSocketOptions {
  std::chrono::milliseconds ping_interval{30000};
  std::size_t max_queued_bytes = 1024 * 1024;
};

// Completes the handshake of `upgrade` on `stream` (selecting
// `res.websocket_protocol`), then serves `res.websocket` until the
// connection ends: the peer closed it, it failed or went silent, the
// handler closed it, or the server is draining (`draining`). The stream is
// left for the caller to close. The caller keeps `stream` alive until this
// returns. `registered` is set to the socket before the handshake, so that
// a server shutdown can close it (1001) instead of cutting it.
Task<void> run_websocket(boost::beast::tcp_stream& stream,
                         const boost::beast::http::request<boost::beast::http::string_body>& upgrade,
                         const Response& res, const WebSocketOptions& options, const std::atomic<bool>& draining,
                         std::weak_ptr<WebSocket>& registered);

}  // namespace wh::http
