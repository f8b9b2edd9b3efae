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

using Clock = std::chrono::steady_clock;

// Touched only on the connection's executor (its thread, or its strand).
struct Server::Session : std::enable_shared_from_this<Server::Session> {
  explicit Session(tcp::socket s) : socket(std::move(s)), watchdog(socket.get_executor()) {}

  // One deadline per connection instead of a timer per operation (as
  // beast::tcp_stream arms): each read or write moves `deadline`, and the
  // watchdog, armed for a time no later than it, wakes rarely: when that time
  // comes it either finds the deadline passed (the socket is closed, the
  // operation in progress fails, timed_out is set) or re-arms for it. It is
  // re-armed early only when a deadline moves before the time it waits for.
  void expires_after(Clock::duration d) {
    deadline = Clock::now() + d;
    if (deadline < watchdog_at) arm(deadline);
  }
  // After an operation: no deadline until the next one (a handler or a
  // streamed body's producer may take its time between them).
  void clear_deadline() { deadline = Clock::time_point::max(); }
  // No deadline ever again: the connection is done with, or handed to a WebSocket.
  void stop_watchdog() {
    stopped = true;
    watchdog.cancel();
  }
  // The error an operation's error stands for: a timeout if the watchdog
  // closed the socket under it.
  boost::system::error_code failure(boost::system::error_code ec) const {
    return ec && timed_out ? boost::system::error_code(beast::error::timeout) : ec;
  }

  tcp::socket socket;
  bool busy = false;                   // a request is in flight (a drain lets it finish)
  std::weak_ptr<WebSocket> websocket;  // set while it serves a WebSocket
  bool timed_out = false;

 private:
  void arm(Clock::time_point at) {
    if (stopped) return;
    watchdog_at = at;
    watchdog.expires_at(at);  // a wait in progress ends with operation_aborted and returns
    watchdog.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_watchdog();
    });
  }
  void on_watchdog() {
    watchdog_at = Clock::time_point::max();
    if (stopped) return;
    if (Clock::now() < deadline) {
      arm(deadline);
      return;
    }
    timed_out = true;
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  asio::steady_timer watchdog;
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point watchdog_at = Clock::time_point::max();
  bool stopped = false;
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
  StreamSink(Server::Session& session, bool chunked, std::chrono::seconds timeout, const std::atomic<bool>& draining)
      : session_(session), chunked_(chunked), timeout_(timeout), draining_(draining) {}

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
    session_.expires_after(timeout_);
    auto [ec, n] = co_await asio::async_write(session_.socket, buffers, asio::as_tuple(asio::use_awaitable));
    session_.clear_deadline();
    if (ec) failed_ = true;
    co_return !failed_;
  }

  Server::Session& session_;
  bool chunked_;
  std::chrono::seconds timeout_;
  const std::atomic<bool>& draining_;
  bool failed_ = false;
};

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler handler)
    : Server(io, {}, std::move(options), std::move(handler)) {}

Server::Server(asio::io_context& io, std::vector<asio::io_context*> connection_contexts, ServerOptions options,
               RequestHandler handler)
    : io_(io),
      connection_contexts_(std::move(connection_contexts)),
      options_(std::move(options)),
      handler_(std::move(handler)) {}

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
    ++next_context_;  // the next connection goes to the next context
    track(session);
    asio::co_spawn(session->socket.get_executor(), serve(session),
                   [this, session](const std::exception_ptr&) { untrack(session); });
  };
  // Where the next connection will live (see the constructor): the
  // context after the last one given a connection.
  auto next_executor = [this]() -> asio::any_io_executor {
    if (connection_contexts_.empty()) return asio::make_strand(io_);
    return connection_contexts_[next_context_ % connection_contexts_.size()]->get_executor();
  };
  for (;;) {
    auto [ec, socket] = co_await acc.async_accept(next_executor(), asio::as_tuple(asio::use_awaitable));
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
      tcp::socket next(next_executor());
      acc.accept(next, ec);
      if (!ec) start_session(std::move(next));
    }
  }
}

Task<void> Server::serve(std::shared_ptr<Session> s) {
  auto& socket = s->socket;
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  std::string peer;
  auto remote = socket.remote_endpoint(ec);
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
    s->expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    s->clear_deadline();
  };

  while (!draining_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(widest_body_limit(options_));
    s->expires_after(options_.idle_timeout);
    auto [read_ec, n] = co_await bhttp::async_read_header(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
    s->clear_deadline();
    if (const auto rec = s->failure(read_ec)) {
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
        s->expires_after(options_.read_timeout);
        auto [cec, cn] = co_await asio::async_write(socket, asio::buffer(kContinue.data(), kContinue.size()),
                                                    asio::as_tuple(asio::use_awaitable));
        s->clear_deadline();
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
      s->expires_after(options_.read_timeout);
      auto [body_ec, bn] = co_await bhttp::async_read(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
      s->clear_deadline();
      if (const auto bec = s->failure(body_ec)) {
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
    req.request_id = (rid && valid_request_id(*rid)) ? std::string(*rid) : new_request_id();

    Response res = co_await handler_(req);

    if (res.websocket) {
      // Not a request in flight any more: a drain cancels the connection.
      s->busy = false;
      WebSocketOptions ws_options{options_.websocket_ping_interval, options_.websocket_max_queued_bytes};
      // The WebSocket keeps its own timers (pings): the connection's
      // deadline ends here, and the socket moves to a Beast stream.
      s->stop_watchdog();
      beast::tcp_stream ws_stream(std::move(socket));
      co_await run_websocket(ws_stream, in, res, ws_options, draining_, s->websocket);
      ws_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      ws_stream.close();
      co_return;
    }

    // The head is one string; the body is written from where it lies (a
    // cached response's shared bytes included): `res` outlives the write.
    keep_alive = keep_alive && !draining_;
    if (res.stream) {
      const bool chunked = in.version() != 10;
      keep_alive = keep_alive && chunked;
      HeadOptions stream_head{in.version(), keep_alive, req.request_id, 0, chunked ? Framing::chunked : Framing::close};
      std::string stream_head_bytes = serialize_head(res, stream_head);
      s->expires_after(options_.read_timeout);
      auto [hec, hn] =
          co_await asio::async_write(socket, asio::buffer(stream_head_bytes), asio::as_tuple(asio::use_awaitable));
      s->clear_deadline();
      if (hec) break;
      if (head) {
        if (!keep_alive) break;
        continue;
      }
      StreamSink sink(*s, chunked, options_.read_timeout, draining_);
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
        socket.set_option(asio::socket_base::linger(true, 0), ec);
        s->stop_watchdog();
        socket.close(ec);
        co_return;
      }
      if (!keep_alive) break;
      continue;
    }
    HeadOptions head_options{in.version(), keep_alive, req.request_id, res.body.size()};
    std::string head_bytes = serialize_head(res, head_options);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_bytes),
                                              asio::buffer(res.body.view().data(), head ? 0 : res.body.size())};
    s->expires_after(options_.read_timeout);
    auto [wec, wn] = co_await asio::async_write(socket, buffers, asio::as_tuple(asio::use_awaitable));
    s->clear_deadline();
    if (wec || !keep_alive) break;
  }
  s->stop_watchdog();
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
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
      asio::post(s->socket.get_executor(), [s] {
        // A WebSocket is closed with its close handshake (1001), not cut.
        if (auto ws = s->websocket.lock()) {
          ws->close(1001, "Server shutting down");
        } else if (!s->busy) {
          boost::system::error_code ignored;
          s->socket.cancel(ignored);
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
