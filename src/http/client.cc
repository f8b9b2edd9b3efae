#include "http/client.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <stdexcept>

#include "http/client_conn.h"
#include "http/client_hosts.h"

namespace wh::http {
namespace asio = boost::asio;
using outbound::Clock;
using Kind = OutboundError::Kind;

std::optional<std::string_view> OutboundResponse::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return std::nullopt;
}

namespace {

asio::ssl::context make_tls_context(const std::string& extra_ca_file) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_default_verify_paths();
  if (!extra_ca_file.empty()) {
    boost::system::error_code ec;
    ctx.load_verify_file(extra_ca_file, ec);
    if (ec) throw std::runtime_error("OUTBOUND_CA_FILE cannot be loaded (" + extra_ca_file + "): " + ec.message());
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Refuses what would be sent malformed or could split the request: unknown
// methods, header names that are not tokens, CR/LF/NUL in values.
void validate(const OutboundRequest& req) {
  if (boost::beast::http::string_to_verb(req.method) == boost::beast::http::verb::unknown) {
    throw OutboundError(Kind::invalid_request, "unsupported HTTP method: " + req.method.substr(0, 16));
  }
  for (const auto& [name, value] : req.headers) {
    bool ok = !name.empty();
    for (char c : name) ok = ok && is_token_char(c);
    if (!ok || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      throw OutboundError(Kind::invalid_request, "invalid header: " + name.substr(0, 64));
    }
  }
}

bool idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

}  // namespace

struct OutboundClient::Core {
  Core(asio::any_io_executor e, ClientOptions o)
      : ex(std::move(e)),
        options(std::move(o)),
        tls(make_tls_context(options.extra_ca_file)),
        hosts(std::make_shared<outbound::HostTable>(std::max(1, options.max_connections_per_host), options.idle_keep)) {
  }

  const asio::any_io_executor ex;
  const ClientOptions options;
  asio::ssl::context tls;
  std::shared_ptr<outbound::HostTable> hosts;
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> failures{0};
};

OutboundClient::OutboundClient(asio::any_io_executor ex, ClientOptions options)
    : core_(std::make_shared<Core>(std::move(ex), std::move(options))) {}

OutboundClient::~OutboundClient() { core_->hosts->close(); }

ClientStats OutboundClient::stats() const {
  ClientStats s;
  s.requests = core_->requests.load();
  s.connections_opened = core_->opened.load();
  s.connections_reused = core_->hosts->reused.load();
  s.queued = core_->hosts->queued.load();
  s.failures = core_->failures.load();
  return s;
}

Task<OutboundResponse> OutboundClient::send(OutboundRequest request) {
  std::shared_ptr<Core> core = core_;  // alive across every suspension below
  ++core->requests;
  struct FailureCount {
    Core& core;
    bool ok = false;
    ~FailureCount() {
      if (!ok) ++core.failures;
    }
  } outcome{*core};
  auto target = outbound::parse_target(request.url);
  validate(request);
  auto timeout = request.timeout.count() > 0 ? request.timeout : core->options.default_timeout;
  auto deadline = Clock::now() + timeout;
  std::size_t max_body = request.max_body_bytes > 0 ? request.max_body_bytes : core->options.max_body_bytes;
  for (int attempt = 0;; ++attempt) {
    auto lease = co_await outbound::HostTable::acquire(core->hosts, target.key, deadline);
    bool reused = lease.conn != nullptr;
    if (!reused) {
      lease.conn = std::make_unique<outbound::Conn>(core->ex, target.tls ? &core->tls : nullptr);
      ++core->opened;
    }
    auto& conn = *lease.conn;
    try {
      auto res = co_await asio::co_spawn(
          conn.strand, outbound::perform(conn, target, request, max_body, deadline, core->options.user_agent),
          asio::use_awaitable);
      if (conn.reusable) lease.keep();
      outcome.ok = true;
      co_return res;
    } catch (const OutboundError& e) {
      // A kept-alive connection the server closed meanwhile: the request
      // never reached it, so an idempotent one goes again on a new one.
      if (!(reused && attempt == 0 && e.kind() == Kind::protocol && !conn.got_response && idempotent(request.method)))
        throw;
    }
  }
}

}  // namespace wh::http
