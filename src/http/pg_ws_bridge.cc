#include "http/pg_ws_bridge.h"

#include <libpq-fe.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.h"
#include "core/resolve.h"
#include "core/task.h"

namespace wh::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

namespace {

// Bytes moved per read, each way: bounds a tunnel's buffers.
constexpr std::size_t kChunk = 64 * 1024;
// How long a refused libpq connection is given to read our ErrorResponse.
constexpr auto kRefuseLinger = std::chrono::seconds(2);
// Bound of the closing handshake of a tunnel's WebSocket.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Where the tunnels of one listener go.
struct WsTarget {
  std::string url;   // the listener's key
  std::string host;  // name or address (IPv6 without brackets)
  std::uint16_t port = 443;
  std::string host_header;
  std::string target;  // path and query
};

WsTarget parse_ws_url(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme_id() != boost::urls::scheme::wss) {
    throw std::runtime_error("the database WebSocket URL must be a wss:// URL");
  }
  const auto& u = *parsed;
  if (u.has_userinfo()) throw std::runtime_error("the database WebSocket URL must not hold user info");
  WsTarget t;
  t.url = url;
  t.host = u.host_address();
  for (auto& ch : t.host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t.host.empty()) throw std::runtime_error("the database WebSocket URL has no host");
  if (u.has_port()) t.port = u.port_number();
  if (t.port == 0) throw std::runtime_error("the database WebSocket URL has an invalid port");
  std::string bracketed = u.host_type() == boost::urls::host_type::ipv6 ? "[" + t.host + "]" : t.host;
  t.host_header = t.port == 443 ? bracketed : bracketed + ":" + std::to_string(t.port);
  t.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) t.target += "?" + std::string(u.encoded_query());
  return t;
}

// `key`'s value, else libpq's environment fallback, else "".
std::string setting(const std::vector<std::pair<std::string, std::string>>& settings, const std::string& key,
                    const char* env) {
  for (const auto& [k, v] : settings) {
    if (k == key) return v;
  }
  const char* fallback = std::getenv(env);
  return fallback ? fallback : "";
}

std::string bracket_ipv6(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The settings libpq would use from `conninfo`, in libpq's order. Throws
// std::runtime_error naming the syntax problem, never the text.
std::vector<std::pair<std::string, std::string>> parse_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string m = error ? error : "out of memory";
    if (error) PQfreemem(error);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    throw std::runtime_error("invalid database URL: " + m);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (PQconninfoOption* opt = parsed; opt->keyword != nullptr; ++opt) {
    if (opt->val != nullptr) out.emplace_back(opt->keyword, opt->val);
  }
  PQconninfoFree(parsed);
  return out;
}

// Settings the local conninfo sets itself, and TLS and peer settings that
// cannot apply inside the tunnel (TLS is the WebSocket's).
bool replaced_or_dropped(const std::string& key) {
  static const std::set<std::string> kKeys = {"host",
                                              "hostaddr",
                                              "port",
                                              "sslmode",
                                              "gssencmode",
                                              "sslcert",
                                              "sslkey",
                                              "sslrootcert",
                                              "sslcrl",
                                              "sslcrldir",
                                              "sslsni",
                                              "sslpassword",
                                              "sslcompression",
                                              "sslcertmode",
                                              "sslnegotiation",
                                              "ssl_min_protocol_version",
                                              "ssl_max_protocol_version",
                                              "channel_binding",
                                              "requirepeer"};
  return kKeys.contains(key);
}

// A PostgreSQL ErrorResponse (FATAL, 08001) carrying `message`: libpq
// reports it as the reason its connection failed.
std::string error_response(std::string message) {
  std::replace(message.begin(), message.end(), '\0', ' ');
  if (message.size() > 500) message.resize(500);  // libpq refuses long messages before authentication
  std::string body;
  auto field = [&body](char code, const std::string& value) {
    body += code;
    body += value;
    body += '\0';
  };
  field('S', "FATAL");
  field('V', "FATAL");
  field('C', "08001");  // sqlclient_unable_to_establish_sqlconnection
  field('M', message);
  body += '\0';
  auto length = static_cast<std::uint32_t>(body.size() + 4);
  std::string out(1, 'E');
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
  return out + body;
}

std::string describe(const boost::system::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) return what + " timed out";
  return what + " failed: " + ec.message();
}

using WsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One libpq connection and its WebSocket. Touched only by the bridge's
// thread.
struct Tunnel {
  Tunnel(tcp::socket socket, asio::ssl::context& tls) : local(std::move(socket)), ws(local.get_executor(), tls) {}
  beast::tcp_stream local;
  WsStream ws;
};

// Counts a tunnel as open for its lifetime (also when the bridge is
// destroyed with it suspended).
struct OpenCount {
  explicit OpenCount(std::atomic<std::uint64_t>& n) : n(n) { ++n; }
  ~OpenCount() { --n; }
  OpenCount(const OpenCount&) = delete;
  OpenCount& operator=(const OpenCount&) = delete;
  std::atomic<std::uint64_t>& n;
};

// libpq -> WebSocket. When libpq is done (or the other direction closed
// its socket), the WebSocket is closed too.
Task<void> upstream(Tunnel& t) {
  std::vector<char> buffer(kChunk);
  for (;;) {
    auto [rec, n] = co_await t.local.async_read_some(asio::buffer(buffer), kTuple);
    if (rec) break;
    auto [wec, wn] = co_await t.ws.async_write(asio::buffer(buffer.data(), n), kTuple);
    if (wec) {
      t.local.close();  // the database side is gone: so is libpq's connection
      co_return;
    }
  }
  if (t.ws.is_open()) co_await t.ws.async_close(websocket::close_code::normal, kTuple);
}

// WebSocket -> libpq. When the WebSocket ends (closed, failed, silent past
// the idle timeout), libpq's connection is closed.
Task<void> downstream(Tunnel& t) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [rec, n] = co_await t.ws.async_read_some(buffer, kChunk, kTuple);
    if (rec) break;
    auto [wec, wn] = co_await asio::async_write(t.local, buffer.data(), kTuple);
    buffer.consume(buffer.size());
    if (wec) break;
  }
  t.local.close();
}

// Answers libpq's startup message with an ErrorResponse, then waits
// (briefly) for libpq to close: closing first, with its startup message
// unread, would reset the connection and could lose the answer.
Task<void> refuse(beast::tcp_stream& local, const std::string& message) {
  local.expires_after(kRefuseLinger);
  std::string reply = error_response(message);
  auto [wec, wn] = co_await asio::async_write(local, asio::buffer(reply), kTuple);
  if (!wec) {
    boost::system::error_code ignored;
    local.socket().shutdown(tcp::socket::shutdown_send, ignored);
    char sink[1024];
    for (;;) {
      auto [rec, n] = co_await local.async_read_some(asio::buffer(sink), kTuple);
      if (rec) break;
    }
  }
  local.close();
}

}  // namespace

std::string conninfo_quote(const std::string& value) {
  const bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' || c == '/' ||
           c == ':' || c == '@';
  });
  if (plain) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

struct PgWebSocketBridge::Impl {
  explicit Impl(PgWebSocketOptions o) : options(std::move(o)), tls(asio::ssl::context::tls_client) {
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    tls.set_default_verify_paths();
    if (!options.ca_file.empty()) {
      boost::system::error_code ec;
      tls.load_verify_file(options.ca_file, ec);
      if (ec)
        throw std::runtime_error("DATABASE_WS_CA_FILE cannot be loaded (" + options.ca_file + "): " + ec.message());
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (!options.ws_url_override.empty()) parse_ws_url(options.ws_url_override);  // throws when it is not wss://
  }

  struct Listener {
    Listener(asio::io_context& io, WsTarget t) : acceptor(io), target(std::move(t)) {}
    tcp::acceptor acceptor;
    const WsTarget target;
    unsigned short port = 0;
  };

  // Resolves, connects and performs the TLS and WebSocket handshakes within
  // connect_timeout. Returns why it failed ("" when the tunnel is open).
  Task<std::string> open(Tunnel& t, const WsTarget& target) {
    auto deadline = Clock::now() + options.connect_timeout;
    auto& socket = beast::get_lowest_layer(t.ws);
    boost::system::error_code not_address;
    auto address = asio::ip::make_address(target.host, not_address);
    std::vector<tcp::endpoint> endpoints;
    if (!not_address) {
      endpoints.emplace_back(address, target.port);
    } else {
      auto found = co_await resolve_until(io.get_executor(), target.host, std::to_string(target.port), deadline);
      if (found.timed_out) co_return "resolving " + target.host + " timed out";
      if (found.error || found.endpoints.empty()) {
        co_return "could not resolve " + target.host + ": " + (found.error ? found.error.message() : "no address");
      }
      endpoints = std::move(found.endpoints);
    }
    socket.expires_at(deadline);
    auto [cec, ep] = co_await socket.async_connect(endpoints, kTuple);
    if (cec) co_return describe(cec, "connecting to " + target.host_header);
    boost::system::error_code ignored;
    socket.socket().set_option(tcp::no_delay(true), ignored);

    auto& tls_stream = t.ws.next_layer();
    // SNI carries names only; an address is checked against the
    // certificate's IP entries by the verification below.
    if (not_address && SSL_set_tlsext_host_name(tls_stream.native_handle(), target.host.c_str()) != 1) {
      co_return "cannot set SNI for " + target.host;
    }
    tls_stream.set_verify_mode(asio::ssl::verify_peer);
    tls_stream.set_verify_callback(asio::ssl::host_name_verification(target.host));
    ERR_clear_error();  // a stale error of this thread would be reported as the handshake's
    auto [hec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
      // OpenSSL's queue may name an inner step (an encoding routine); the
      // verification result says what the operator must fix.
      const long verify = SSL_get_verify_result(tls_stream.native_handle());
      if (verify != X509_V_OK) {
        co_return "TLS handshake with " + target.host_header + " failed: certificate verify failed (" +
            X509_verify_cert_error_string(verify) + ")";
      }
      co_return describe(hec, "TLS handshake with " + target.host_header);
    }

    socket.expires_never();  // the WebSocket's own timeouts apply from here on
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::max<Clock::duration>(std::chrono::milliseconds(1), deadline - Clock::now());
    timeout.idle_timeout = options.idle_timeout;
    timeout.keep_alive_pings = true;
    t.ws.set_option(timeout);
    t.ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& r) { r.set(beast::http::field::user_agent, "wighaven"); }));
    t.ws.read_message_max(0);  // no limit: a message is relayed in chunks, never held whole
    websocket::response_type res;
    auto [wec] = co_await t.ws.async_handshake(res, target.host_header, target.target, kTuple);
    if (wec) {
      std::string why = describe(wec, "WebSocket handshake with " + target.host_header);
      if (res.result_int() != 0) why += " (HTTP " + std::to_string(res.result_int()) + ")";
      co_return why;
    }
    t.ws.binary(true);
    timeout.handshake_timeout = kCloseTimeout;  // from now on it bounds the closing handshake
    t.ws.set_option(timeout);
    co_return "";
  }

  Task<void> run_tunnel(tcp::socket socket, const WsTarget& target) {
    ++accepted;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    Tunnel t(std::move(socket), tls);
    std::string failure = co_await open(t, target);
    if (!failure.empty()) {
      ++failed;
      log::warn("database WebSocket connection failed", {{"target", target.host_header}, {"error", failure}});
      co_await refuse(t.local, "pg websocket bridge: " + failure);
      co_return;
    }
    ++opened;
    OpenCount count(open_now);
    co_await (upstream(t) && downstream(t));
  }

  Task<void> accept_loop(Listener& l) {
    for (;;) {
      auto [ec, socket] = co_await l.acceptor.async_accept(kTuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors, most likely: wait instead of spinning.
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(kTuple);
        continue;
      }
      asio::co_spawn(io, run_tunnel(std::move(socket), l.target), asio::detached);
    }
  }

  unsigned short listener_for(const std::string& url) {
    std::lock_guard lock(mu);
    auto it = listeners.find(url);
    if (it != listeners.end()) return it->second->port;
    auto l = std::make_unique<Listener>(io, parse_ws_url(url));
    tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
    l->acceptor.open(ep.protocol());
    l->acceptor.bind(ep);
    l->acceptor.listen(asio::socket_base::max_listen_connections);
    l->port = l->acceptor.local_endpoint().port();
    asio::co_spawn(io, accept_loop(*l), asio::detached);
    unsigned short port = l->port;
    listeners.emplace(url, std::move(l));
    return port;
  }

  const PgWebSocketOptions options;
  // Declared before io: tunnels destroyed with io still use them.
  asio::ssl::context tls;
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> open_now{0};
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::mutex mu;
  std::map<std::string, std::unique_ptr<Listener>> listeners;  // by wss URL
  std::thread thread;
};

PgWebSocketBridge::PgWebSocketBridge(PgWebSocketOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

PgWebSocketBridge::~PgWebSocketBridge() {
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

std::string PgWebSocketBridge::local_conninfo(const std::string& libpq_url) {
  auto settings = parse_conninfo(libpq_url);
  std::string host = setting(settings, "host", "PGHOST");
  std::string port = setting(settings, "port", "PGPORT");
  if (port.empty()) port = "5432";
  if (host.empty() || host[0] == '/' || host[0] == '@') {
    throw std::runtime_error("the database URL names no host: the WebSocket transport needs the server's host name");
  }
  if (host.find(',') != std::string::npos || port.find(',') != std::string::npos) {
    throw std::runtime_error("the database URL names several hosts: the WebSocket transport takes one");
  }
  std::string url;
  const std::string& proxy = impl_->options.ws_url_override;
  if (proxy.empty()) {
    url = "wss://" + bracket_ipv6(host) + "/v2";
  } else {
    url = proxy + (proxy.find('?') == std::string::npos ? "?" : "&") + "address=" + bracket_ipv6(host) + ":" + port;
  }
  unsigned short local_port = impl_->listener_for(url);

  std::string out;
  for (const auto& [k, v] : settings) {
    if (!replaced_or_dropped(k)) out += k + "=" + conninfo_quote(v) + " ";
  }
  return out + "host=127.0.0.1 hostaddr=127.0.0.1 port=" + std::to_string(local_port) +
         " sslmode=disable gssencmode=disable";
}

PgWebSocketStats PgWebSocketBridge::stats() const {
  PgWebSocketStats s;
  s.accepted = impl_->accepted.load();
  s.opened = impl_->opened.load();
  s.failed = impl_->failed.load();
  s.open = impl_->open_now.load();
  return s;
}

}  // namespace wh::http
