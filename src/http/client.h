// The server's one outbound HTTP(S) client (currency rates, and later
// Cloudflare, Paystack, the mail API, ImageKit). Beast over Asio SSL, fully
// asynchronous: a request never blocks an event-loop thread.
//
// - http:// and https:// URLs. TLS certificates are verified against the
//   system store plus an optional extra CA file (private CAs, tests); the
//   host name is checked against the certificate and sent as SNI.
// - One deadline per request (OutboundRequest::timeout, else the client's
//   default) covers the wait for a connection slot, name resolution,
//   connect, TLS handshake, writing and reading the whole response.
// - At most `max_connections_per_host` connections per scheme+host+port;
//   further requests queue (FIFO) within their deadline.
// - Responses larger than the body limit fail (kind too_large).
// - Keep-alive: a connection whose response allowed it is kept idle for
//   `idle_keep` and reused; a reused connection that turns out to be closed
//   is replaced once for idempotent methods.
// - Failures throw OutboundError (an ApiError: 504 on timeout, 502
//   otherwise), so a handler that does not catch it answers a clear JSON
//   error. Any HTTP status is a response, not an error.
//
// Thread-safe; send() may be called from any coroutine on the executor's
// io_context. The client must be destroyed before its io_context.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/task.h"
#include "http/message.h"

namespace wh::http {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;     // absolute http:// or https:// URL
  HeaderList headers;  // sent as given (Host, User-Agent and Content-Length are set unless given)
  std::string body;
  std::chrono::milliseconds timeout{0};  // whole request; 0 = the client's default
  std::size_t max_body_bytes = 0;        // response body limit; 0 = the client's default
};

struct OutboundResponse {
  int status = 0;
  HeaderList headers;  // names lower-cased, in order received
  std::string body;

  // First value of a header (lower-case name).
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

class OutboundError : public ApiError {
 public:
  enum class Kind {
    invalid_request,  // bad URL, method or header value: nothing was sent
    timeout,          // the deadline passed (waiting for a slot, connecting, TLS or I/O)
    connect,          // the name did not resolve or no address accepted a connection
    tls,              // handshake failed: untrusted certificate, host name mismatch, protocol
    protocol,         // the connection broke or the response was malformed
    too_large,        // the response body exceeded the limit
  };
  OutboundError(Kind kind, const std::string& message)
      : ApiError(kind == Kind::timeout ? 504 : 502, kind == Kind::timeout ? "GatewayTimeoutError" : "BadGatewayError",
                 message),
        kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct ClientOptions {
  std::string extra_ca_file;  // PEM file of CAs trusted besides the system store ("" = none)
  std::chrono::milliseconds default_timeout{10000};
  int max_connections_per_host = 8;
  std::size_t max_body_bytes = std::size_t{8} * 1024 * 1024;
  std::chrono::milliseconds idle_keep{15000};  // idle keep-alive connections older than this are closed
  std::string user_agent = "wighaven";
};

struct ClientStats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t queued = 0;  // requests that waited for a per-host slot
  std::uint64_t failures = 0;
};

class OutboundClient {
 public:
  // Throws std::runtime_error when the extra CA file cannot be loaded.
  OutboundClient(boost::asio::any_io_executor ex, ClientOptions options);
  ~OutboundClient();
  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // Sends `request` and reads the whole response. Throws OutboundError.
  Task<OutboundResponse> send(OutboundRequest request);
  ClientStats stats() const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace wh::http
