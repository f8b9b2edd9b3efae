#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "core/ids.h"
#include "core/log.h"
#include "http/response_head.h"
#include "http/websocket_conn.h"

namespace wh::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Acceptor {
  explicit Acceptor(asio::io_context& io) : acceptor(asio::make_strand(io)) {}
  tcp::acceptor acceptor;
};

struct Server::Session {
  explicit Session(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool busy = false;                   // touched only on the session's strand
  std::weak_ptr<WebSocket> websocket;  // the same: set while it serves a WebSocket
};

namespace {

// The body of a response the server sends on its own (the request never
// reached a handler), in the API's error envelope.
const char* protocol_error_body(bhttp::status status) {
  switch (status) {
    case bhttp::status::payload_too_large:
      return R"({"success":false,"error":{"type":"PayloadTooLargeError","message":"Request body too large"}})";
    case bhttp::status::request_header_fields_too_large:
      return R"({"success":false,"error":{"type":"HeaderTooLargeError","message":"Request headers too large"}})";
    default:
      return R"({"success":false,"error":{"type":"BadRequestError","message":"Malformed HTTP request"}})";
  }
}

bool valid_request_id(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

// Converts Beast's request into our plain Request. False when the target is
// not a valid origin-form URL.
bool convert(bhttp::request<bhttp::string_body>& in, Request& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto parsed = boost::urls::parse_origin_form(out.target);
  if (!parsed) return false;
  auto url = *parsed;
  out.path = url.path();
  for (auto seg : url.segments()) {
    if (!seg.empty()) out.segments.push_back(std::move(seg));
  }
  for (auto p : url.params()) out.query.emplace_back(p.key, p.has_value ? p.value : std::string());
  out.headers.reserve(16);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  out.body = std::move(in.body());
  return true;
}

// Decoded, non-empty path segments (as the router sees them); nullopt when
// the text is not a valid origin-form target or path.
std::optional<std::vector<std::string>> segments_of(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  std::vector<std::string> out;
  for (auto seg : parsed->segments()) {
    if (!seg.empty()) out.push_back(std::move(seg));
  }
  return out;
}

// The parser's limit until the path is known: the largest of them all.
std::size_t widest_body_limit(const ServerOptions& o) {
  std::size_t widest = o.max_body_bytes;
  for (const auto& rule : o.body_limits) widest = std::max(widest, rule.max_bytes);
  return widest;
}

// The limit of the rule with the most segments that prefix the target's
// path, or the default.
std::size_t body_limit_for(const ServerOptions& o, std::string_view target) {
  std::size_t limit = o.max_body_bytes;
  auto path = segments_of(target);
  if (!path) return limit;
  std::size_t best = 0;
  for (const auto& rule : o.body_limits) {
    auto prefix = segments_of(rule.path);
    if (!prefix || prefix->size() > path->size() || prefix->size() < best) continue;
    if (std::equal(prefix->begin(), prefix->end(), path->begin())) {
      best = prefix->size();
      limit = rule.max_bytes;
    }
  }
  return limit;
}

// The sink of a streamed body: each write is one chunk (or, framed by the
// connection closing, the bytes as they are), sent at once.
class StreamSink final : public BodySink {
 public:
  StreamSink(beast::tcp_stream& stream, bool chunked, std::chrono::seconds timeout, const std::atomic<bool>& draining)
      : stream_(stream), chunked_(chunked), timeout_(timeout), draining_(draining) {}

  Task<bool> write(std::string_view bytes) override {
    // A drain ends the body unfinished, like a gone client: the last chunk
    // is never sent, so no client takes a cut export for a whole one.
    if (draining_) failed_ = true;
    if (failed_) co_return false;
    if (bytes.empty()) co_return true;
    char size[20];
    int n = chunked_ ? std::snprintf(size, sizeof size, "%zx\r\n", bytes.size()) : 0;
    std::array<asio::const_buffer, 3> buffers{asio::buffer(size, static_cast<std::size_t>(n)),
                                              asio::buffer(bytes.data(), bytes.size()),
                                              asio::buffer("\r\n", chunked_ ? 2 : 0)};
    co_return co_await send(buffers);
  }

  // The last chunk. Returns whether the whole body went out.
  Task<bool> finish() {
    if (failed_) co_return false;
    if (!chunked_) co_return true;
    std::array<asio::const_buffer, 1> last{asio::buffer("0\r\n\r\n", 5)};
    co_return co_await send(last);
  }

 private:
  template <typename Buffers>
  Task<bool> send(const Buffers& buffers) {
    stream_.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, buffers, asio::as_tuple(asio::use_awaitable));
    if (ec) failed_ = true;
    co_return !failed_;
  }

  beast::tcp_stream& stream_;
  bool chunked_;
  std::chrono::seconds timeout_;
  const std::atomic<bool>& draining_;
  bool failed_ = false;
};

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)) {}

Server::~Server() = default;

void Server::start() {
  acceptor_ = std::make_unique<Acceptor>(io_);
  auto& acc = acceptor_->acceptor;
  tcp::endpoint ep(asio::ip::make_address(options_.host), options_.port);
  acc.open(ep.protocol());
  acc.set_option(asio::socket_base::reuse_address(true));
  acc.bind(ep);
  acc.listen(4096);
  // The accept loop drains the backlog with synchronous accepts, which must
  // return would_block instead of waiting once it is empty.
  acc.non_blocking(true);
  port_ = acc.local_endpoint().port();
  asio::co_spawn(acc.get_executor(), accept_loop(), asio::detached);
}

void Server::track(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu_);
  sessions_.insert(s);
  ++active_;
}

void Server::untrack(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(s);
  --active_;
}

Task<void> Server::accept_loop() {
  auto& acc = acceptor_->acceptor;
  auto start_session = [this](tcp::socket socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket));
    track(session);
    asio::co_spawn(session->stream.get_executor(), serve(session),
                   [this, session](const std::exception_ptr&) { untrack(session); });
  };
  for (;;) {
    auto [ec, socket] = co_await acc.async_accept(asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || draining_) co_return;
      // Out of descriptors or a transient error: back off briefly, keep serving.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer t(acc.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    start_session(std::move(socket));
    // Take what else is already queued in the backlog now: one accept per
    // trip through the scheduler's queue would leave connections of a burst
    // (1000 shoppers at once) unanswered for seconds behind ready requests.
    for (int more = 0; more < 256 && !ec; ++more) {
      tcp::socket next(asio::make_strand(io_));
      acc.accept(next, ec);
      if (!ec) start_session(std::move(next));
    }
  }
}

Task<void> Server::serve(std::shared_ptr<Session> s) {
  auto& stream = s->stream;
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::string peer;
  auto remote = stream.socket().remote_endpoint(ec);
  if (!ec) {
    auto addr = remote.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    peer = addr.to_string();
  }

  auto send_error = [&](bhttp::status status) -> Task<void> {
    bhttp::response<bhttp::string_body> res{status, 11};
    res.set(bhttp::field::content_type, "application/json; charset=utf-8");
    res.set(bhttp::field::connection, "close");
    res.set(bhttp::field::cache_control, "private, no-store");
    res.body() = protocol_error_body(status);
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
  };

  while (!draining_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(widest_body_limit(options_));
    stream.expires_after(options_.idle_timeout);
    auto [rec, n] = co_await bhttp::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (rec) {
      if (rec == bhttp::error::header_limit) co_await send_error(bhttp::status::request_header_fields_too_large);
      // A declared Content-Length over the limit is refused before the body is read.
      else if (rec == bhttp::error::body_limit)
        co_await send_error(bhttp::status::payload_too_large);
      else if (rec != bhttp::error::end_of_stream && rec != asio::error::operation_aborted &&
               rec != beast::error::timeout && rec != asio::error::eof && rec != asio::error::connection_reset)
        co_await send_error(bhttp::status::bad_request);
      break;
    }
    // A body follows: now that the path is known, its own limit applies (a
    // declared Content-Length over it is refused before the body is read).
    if (!parser.is_done()) {
      const std::size_t body_limit = body_limit_for(options_, parser.get().target());
      if (parser.content_length().value_or(0) > body_limit) {
        co_await send_error(bhttp::status::payload_too_large);
        break;
      }
      parser.body_limit(body_limit);
      // A client that waits to be told before it sends the body (RFC 9110
      // 10.1.1, `Expect: 100-continue`, as curl does for large bodies) is
      // told once the limit passed; else it sends only after its own
      // timeout (curl: 1 s). Over the limit it got the 413 above instead.
      if (parser.get().version() == 11 && beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        stream.expires_after(options_.read_timeout);
        auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                                    asio::as_tuple(asio::use_awaitable));
        if (cec) break;
      }
    }
    // While busy, a drain lets this request finish instead of cancelling it.
    s->busy = true;
    struct BusyGuard {
      Session* s;
      ~BusyGuard() { s->busy = false; }
    } guard{s.get()};

    if (!parser.is_done()) {
      stream.expires_after(options_.read_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (bec) {
        if (bec == bhttp::error::body_limit)
          co_await send_error(bhttp::status::payload_too_large);
        else if (bec != beast::error::timeout && bec != asio::error::eof)
          co_await send_error(bhttp::status::bad_request);
        break;
      }
    }

    auto& in = parser.get();
    bool keep_alive = in.keep_alive();
    bool head = in.method() == bhttp::verb::head;
    Request req;
    req.peer_ip = peer;
    req.client_ip = peer;
    if (!convert(in, req)) {
      co_await send_error(bhttp::status::bad_request);
      break;
    }
    auto rid = req.header("x-request-id");
    req.request_id = (rid && valid_request_id(*rid)) ? std::string(*rid) : random_hex(8);

    Response res = co_await handler_(req);

    if (res.websocket) {
      // Not a request in flight any more: a drain cancels the connection.
      s->busy = false;
      WebSocketOptions ws_options{options_.websocket_ping_interval, options_.websocket_max_queued_bytes};
      co_await run_websocket(stream, in, res, ws_options, draining_, s->websocket);
      break;
    }

    // The head is one string; the body is written from where it lies (a
    // cached response's shared bytes included): `res` outlives the write.
    keep_alive = keep_alive && !draining_;
    if (res.stream) {
      const bool chunked = in.version() != 10;
      keep_alive = keep_alive && chunked;
      HeadOptions stream_head{in.version(), keep_alive, req.request_id, 0, chunked ? Framing::chunked : Framing::close};
      std::string stream_head_bytes = serialize_head(res, stream_head);
      stream.expires_after(options_.read_timeout);
      auto [hec, hn] =
          co_await asio::async_write(stream, asio::buffer(stream_head_bytes), asio::as_tuple(asio::use_awaitable));
      if (hec) break;
      if (head) {
        if (!keep_alive) break;
        continue;
      }
      StreamSink sink(stream, chunked, options_.read_timeout, draining_);
      bool complete = false;
      try {
        co_await res.stream(sink);
        complete = co_await sink.finish();
      } catch (const std::exception& e) {
        log::warn("streamed response failed", {{"request_id", req.request_id}, {"error", e.what()}});
      }
      if (!complete) {
        // Reset rather than close: a close-framed (HTTP/1.0) reader must not
        // take a cut body for a whole one.
        stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
        stream.close();
        co_return;
      }
      if (!keep_alive) break;
      continue;
    }
    HeadOptions head_options{in.version(), keep_alive, req.request_id, res.body.size()};
    std::string head_bytes = serialize_head(res, head_options);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_bytes),
                                              asio::buffer(res.body.view().data(), head ? 0 : res.body.size())};
    stream.expires_after(options_.read_timeout);
    auto [wec, wn] = co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
    if (wec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  draining_ = true;
  if (acceptor_) {
    asio::post(acceptor_->acceptor.get_executor(), [this] {
      boost::system::error_code ec;
      acceptor_->acceptor.close(ec);
    });
  }
  {
    std::lock_guard lock(sessions_mu_);
    for (const auto& s : sessions_) {
      asio::post(s->stream.get_executor(), [s] {
        // A WebSocket is closed with its close handshake (1001), not cut.
        if (auto ws = s->websocket.lock()) {
          ws->close(1001, "Server shutting down");
        } else if (!s->busy) {
          s->stream.cancel();
        }
      });
    }
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  asio::co_spawn(
      io_,
      [this, deadline, done = std::move(done)]() -> Task<void> {
        asio::steady_timer t(io_);
        while (active_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
          t.expires_after(std::chrono::milliseconds(20));
          co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        if (active_.load() > 0) log::warn("shutdown deadline passed", {{"connections", active_.load()}});
        done();
      },
      asio::detached);
}

long raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return static_cast<long>(rl.rlim_cur);
}

}  // namespace wh::http
