// One outbound connection and the steps of a request on it: resolve,
// connect, TLS handshake (SNI, certificate and host name checks), write the
// request, read the response. Internal to src/http (client.cc).
//
// Every coroutine here runs on the connection's strand: the stream, its
// Beast timer and the buffer are touched by one thread at a time. All I/O
// is bounded by the request's deadline (tcp_stream expiry; an abandoned
// wait for a name lookup that outlives it).
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/client.h"

namespace wh::http::outbound {

using Clock = std::chrono::steady_clock;
using Kind = OutboundError::Kind;

// Where a request goes, from its URL.
struct Target {
  bool tls = false;
  std::string host;  // name or address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string host_header;  // host[:port] as sent in Host
  std::string path;         // origin-form request target
  std::string key;          // scheme://host:port: connections are shared and capped per key
};

// Parses an absolute http:// or https:// URL (no user info). Throws
// OutboundError(invalid_request).
Target parse_target(std::string_view url);

struct Conn {
  // `tls` null = plain TCP.
  Conn(const boost::asio::any_io_executor& ex, boost::asio::ssl::context* tls);

  boost::beast::tcp_stream& tcp();
  // False when the peer has closed it, or sent bytes nobody asked for.
  bool idle_usable();

  boost::asio::strand<boost::asio::any_io_executor> strand;
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure;
  boost::beast::flat_buffer buffer;
  bool open = false;          // connected (and handshaken)
  bool reusable = false;      // the last response left it fit for another request
  bool got_response = false;  // any response bytes arrived on the last request
  Clock::time_point idle_since{};
};

// Connects `c` to `t` (when not yet open) and performs `req` on it. Runs on
// c.strand. Throws OutboundError.
Task<OutboundResponse> perform(Conn& c, const Target& t, const OutboundRequest& req, std::size_t max_body,
                               Clock::time_point deadline, std::string user_agent);

}  // namespace wh::http::outbound
