// Plain request/response values shared by the HTTP edge and the domain
// handlers. Deliberately free of Beast types.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/task.h"

namespace wh::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;                 // upper case, e.g. "GET"
  std::string target;                 // as received
  std::string path;                   // percent-decoded, no query
  std::vector<std::string> segments;  // path split on '/', decoded, no empties
  HeaderList query;                   // decoded query parameters in order
  HeaderList headers;                 // names lower-cased
  std::string body;
  std::string peer_ip;    // socket peer address
  std::string client_ip;  // real client (peer unless a trusted proxy says otherwise)
  std::string request_id;

  // Case-insensitive header lookup (names are stored lower-case).
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // First value of a query parameter.
  std::optional<std::string_view> query_param(std::string_view name) const;
};

// A response header name. Built only from string literals (checked at
// compile time), so a name never costs an allocation and never dangles.
class HeaderName {
 public:
  consteval HeaderName(const char* literal) : view_(literal) {}  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return view_; }

 private:
  std::string_view view_;
};

// Bytes of a body or header value, in one of three forms:
// - owned: a std::string moved in (short values stay inside it, no heap);
// - literal: a view of static storage (`Bytes::literal`);
// - shared: a view into immutable storage kept alive by `owner`, so a
//   cached response is written by many requests without a copy.
// Copying a shared or literal Bytes copies a pointer, never the bytes.
class Bytes {
 public:
  Bytes() = default;
  Bytes(std::string text) : owned_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  Bytes(const char* text) : owned_(text) {}             // NOLINT(google-explicit-constructor)
  Bytes(std::string_view text) : owned_(text) {}        // NOLINT(google-explicit-constructor)
  static Bytes literal(std::string_view static_text) { return Bytes(static_text, nullptr, true); }
  static Bytes shared(std::shared_ptr<const void> owner, std::string_view view) {
    return Bytes(view, std::move(owner), true);
  }

  std::string_view view() const { return is_view_ ? view_ : std::string_view(owned_); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  bool operator==(std::string_view other) const { return view() == other; }
  // True when the bytes live outside this object (literal or shared).
  bool is_view() const { return is_view_; }

 private:
  Bytes(std::string_view view, std::shared_ptr<const void> owner, bool)
      : view_(view), owner_(std::move(owner)), is_view_(true) {}
  std::string owned_;
  std::string_view view_;
  std::shared_ptr<const void> owner_;
  bool is_view_ = false;
};

struct Header {
  HeaderName name;
  Bytes value;
};

// Where a streamed body (Response::stream) is written, piece by piece.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Sends `bytes` at once (one chunk; nothing for empty bytes). False once
  // the client is gone or the server is shutting down: the producer should
  // return.
  virtual Task<bool> write(std::string_view bytes) = 0;
};

// Produces a streamed body by writing to the sink; the body ends when it
// returns.
using BodyProducer = std::function<Task<void>(BodySink&)>;

// A WebSocket the server accepted (see Response::websocket). Every member
// may be called from any thread.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Queues one text message. False when the socket is closed or closing, or
  // when the client reads too slowly: once its queue holds more than the
  // server's websocket_max_queued_bytes the connection is dropped at once
  // (a slow client never makes the server buffer without limit).
  virtual bool send(std::string text) = 0;
  // Sends a close frame after the messages already queued, then ends the
  // connection.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// The application's side of an accepted WebSocket. The server calls
// opened() once, received() for each text message, and closed() once when
// the connection has ended for any reason; the calls never overlap. They
// run on the connection's executor and must not block.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void opened(std::shared_ptr<WebSocket> socket) = 0;
  virtual void received(std::string_view text) = 0;
  virtual void closed() = 0;
};

struct Response {
  int status = 200;
  Bytes body;
  // When set, the body is produced after the head instead of `body`:
  // server-sent events, a long export. The head goes out first with
  // Transfer-Encoding: chunked (HTTP/1.1) or, to an HTTP/1.0 client, with
  // no length and the connection closed at the end.
  BodyProducer stream;
  // When set, the request was a WebSocket upgrade the route accepted: the
  // server completes the handshake (selecting `websocket_protocol` when it
  // is not empty) and hands the connection to the handler; status, headers
  // and body are not sent. A route sets it only for a valid upgrade request
  // (http::is_websocket_upgrade).
  std::shared_ptr<WebSocketHandler> websocket;
  std::string websocket_protocol;
  Bytes content_type = Bytes::literal("application/json; charset=utf-8");
  std::vector<Header> headers;

  // Replaces a header of the same name (case-insensitive) or appends one.
  void set_header(HeaderName name, Bytes value);
  // The header's value, or nullopt when absent.
  std::optional<std::string_view> find_header(std::string_view name) const;
  // Removes every header of that name (case-insensitive).
  void erase_header(std::string_view name);

  // A JSON response whose body is already serialised.
  static Response json(Bytes body, int status = 200);
};

// True when `req` asks for a WebSocket (GET, Connection: upgrade, Upgrade:
// websocket, a version 13 key).
bool is_websocket_upgrade(const Request& req);

}  // namespace wh::http
