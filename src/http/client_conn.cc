#include "http/client_conn.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <cerrno>

#include "core/resolve.h"

namespace wh::http::outbound {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;

[[noreturn]] void fail(Kind kind, const std::string& message) { throw OutboundError(kind, message); }

// `kind`, or timeout when the stream's deadline is what ended the operation.
[[noreturn]] void fail_io(const boost::system::error_code& ec, Kind kind, const Target& t, const char* what) {
  if (ec == beast::error::timeout) fail(Kind::timeout, "request to " + t.host + " timed out (" + what + ")");
  fail(kind, std::string(what) + " " + t.host + " failed: " + ec.message());
}

Task<void> connect(Conn& c, const Target& t, Clock::time_point deadline) {
  boost::system::error_code not_address;
  auto address = asio::ip::make_address(t.host, not_address);
  std::vector<tcp::endpoint> endpoints;
  if (!not_address) {
    endpoints.emplace_back(address, t.port);
  } else {
    auto found = co_await resolve_until(c.strand, t.host, std::to_string(t.port), deadline);
    if (found.timed_out) fail(Kind::timeout, "request to " + t.host + " timed out (resolving)");
    if (found.error || found.endpoints.empty()) {
      fail(Kind::connect, "could not resolve " + t.host + ": " + (found.error ? found.error.message() : "no address"));
    }
    endpoints = std::move(found.endpoints);
  }
  auto [cec, ep] = co_await c.tcp().async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  if (cec) fail_io(cec, Kind::connect, t, "connecting to");
  boost::system::error_code ignored;
  c.tcp().socket().set_option(tcp::no_delay(true), ignored);
  if (c.secure) {
    // SNI carries names only; an address is checked against the
    // certificate's IP entries by the verification below.
    if (not_address && SSL_set_tlsext_host_name(c.secure->native_handle(), t.host.c_str()) != 1) {
      fail(Kind::tls, "cannot set SNI for " + t.host);
    }
    c.secure->set_verify_mode(asio::ssl::verify_peer);
    c.secure->set_verify_callback(asio::ssl::host_name_verification(t.host));
    auto [hec] =
        co_await c.secure->async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (hec) fail_io(hec, Kind::tls, t, "TLS handshake with");
  }
  c.open = true;
}

bhttp::request<bhttp::string_body> build(const Target& t, const OutboundRequest& req, const std::string& user_agent) {
  bhttp::request<bhttp::string_body> out{bhttp::string_to_verb(req.method), t.path, 11};
  for (const auto& [name, value] : req.headers) out.insert(name, value);
  if (out.find(bhttp::field::host) == out.end()) out.set(bhttp::field::host, t.host_header);
  if (out.find(bhttp::field::user_agent) == out.end()) out.set(bhttp::field::user_agent, user_agent);
  out.body() = req.body;
  out.prepare_payload();
  out.keep_alive(true);
  return out;
}

template <typename Stream>
Task<OutboundResponse> exchange(Stream& stream, Conn& c, const Target& t, const OutboundRequest& req,
                                std::size_t max_body, const std::string& user_agent) {
  auto out = build(t, req, user_agent);
  auto [wec, wn] = co_await bhttp::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
  if (wec) fail_io(wec, Kind::protocol, t, "sending to");

  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(max_body);
  if (out.method() == bhttp::verb::head) parser.skip(true);
  auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
  c.got_response = parser.got_some();
  if (rec == bhttp::error::body_limit) {
    fail(Kind::too_large, "response from " + t.host + " exceeds " + std::to_string(max_body) + " bytes");
  }
  if (rec) fail_io(rec, Kind::protocol, t, "reading the response from");

  auto& in = parser.get();
  c.reusable = in.keep_alive() && !in.need_eof() && c.buffer.size() == 0;
  OutboundResponse res;
  res.status = static_cast<int>(in.result_int());
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    res.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  res.body = std::move(in.body());
  co_return res;
}

}  // namespace

Target parse_target(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) fail(Kind::invalid_request, "invalid URL");
  const auto& u = *parsed;
  Target t;
  auto scheme = u.scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    fail(Kind::invalid_request, "unsupported URL scheme: " + std::string(u.scheme()));
  }
  t.tls = scheme == boost::urls::scheme::https;
  if (u.has_userinfo()) fail(Kind::invalid_request, "URLs with user info are not supported");
  t.host = u.host_address();
  if (t.host.empty()) fail(Kind::invalid_request, "URL without a host");
  for (auto& ch : t.host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::uint16_t default_port = t.tls ? 443 : 80;
  t.port = u.has_port() ? u.port_number() : default_port;
  if (t.port == 0) fail(Kind::invalid_request, "invalid port in URL");
  std::string bracketed = u.host_type() == boost::urls::host_type::ipv6 ? "[" + t.host + "]" : t.host;
  t.host_header = t.port == default_port ? bracketed : bracketed + ":" + std::to_string(t.port);
  t.path = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) t.path += "?" + std::string(u.encoded_query());
  t.key = std::string(t.tls ? "https://" : "http://") + bracketed + ":" + std::to_string(t.port);
  return t;
}

Conn::Conn(const asio::any_io_executor& ex, asio::ssl::context* tls) : strand(asio::make_strand(ex)) {
  if (tls) {
    secure.emplace(strand, *tls);
  } else {
    plain.emplace(strand);
  }
}

beast::tcp_stream& Conn::tcp() { return secure ? secure->next_layer() : *plain; }

bool Conn::idle_usable() {
  if (!open || !reusable || buffer.size() != 0) return false;
  char byte = 0;
  auto n = ::recv(tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

Task<OutboundResponse> perform(Conn& c, const Target& t, const OutboundRequest& req, std::size_t max_body,
                               Clock::time_point deadline, std::string user_agent) {
  c.reusable = false;
  c.got_response = false;
  c.tcp().expires_at(deadline);
  if (!c.open) co_await connect(c, t, deadline);
  OutboundResponse res;
  if (c.secure) {
    res = co_await exchange(*c.secure, c, t, req, max_body, user_agent);
  } else {
    res = co_await exchange(*c.plain, c, t, req, max_body, user_agent);
  }
  c.tcp().expires_never();
  co_return res;
}

}  // namespace wh::http::outbound
