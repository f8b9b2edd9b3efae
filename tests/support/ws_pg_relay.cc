#include "support/ws_pg_relay.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>

#include "support/test_certs.h"

namespace wh::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunk = 64 * 1024;

struct Session {
  Session(tcp::socket socket, asio::ssl::context& ssl) : ws(std::move(socket), ssl), db(ws.get_executor()) {}
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  tcp::socket db;

  // Abrupt: no close frame, no TLS close_notify.
  void cut() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    db.close(ignored);
  }
};

// application_name of a StartupMessage at the start of `bytes` ("" when
// none or incomplete).
std::string startup_application_name(std::string_view bytes) {
  if (bytes.size() < 8) return "";
  auto be32 = [&bytes](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  std::uint32_t length = be32(0);
  if (be32(4) != 196608 || length > bytes.size()) return "";  // protocol 3.0
  std::string_view rest = bytes.substr(8, length - 8);
  while (!rest.empty() && rest[0] != '\0') {
    auto key_end = rest.find('\0');
    if (key_end == std::string_view::npos) return "";
    auto value_end = rest.find('\0', key_end + 1);
    if (value_end == std::string_view::npos) return "";
    if (rest.substr(0, key_end) == "application_name") {
      return std::string(rest.substr(key_end + 1, value_end - key_end - 1));
    }
    rest.remove_prefix(value_end + 1);
  }
  return "";
}

}  // namespace

struct WsPgRelay::Impl {
  explicit Impl(const WsPgRelayOptions& o)
      : certs(make_test_certificates(o.alt_names)),
        ca(certs.ca_pem),
        ssl(asio::ssl::context::tls_server),
        acceptor(io),
        chunk_delay(o.chunk_delay) {
    ssl.use_certificate_chain(asio::buffer(certs.server_pem));
    ssl.use_private_key(asio::buffer(certs.server_key_pem), asio::ssl::context::pem);
    const char* pg = std::getenv("WH_TEST_PG_PORT");
    default_db_port = static_cast<unsigned short>(pg != nullptr && *pg != '\0' ? std::atoi(pg) : 5432);
  }

  TestCertificates certs;
  TempFile ca;
  // Declared before io: sessions destroyed with io still use the context.
  asio::ssl::context ssl;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
  unsigned short default_db_port = 0;
  std::atomic<std::chrono::milliseconds> chunk_delay;

  mutable std::mutex mu;
  std::vector<std::weak_ptr<Session>> live;  // touched on the io thread only
  int sessions = 0;
  int open_sessions = 0;
  std::vector<std::string> targets;
  std::vector<std::string> application_names;

  asio::awaitable<void> pause() {
    auto d = chunk_delay.load();
    if (d.count() <= 0) co_return;
    asio::steady_timer t(io, d);
    co_await t.async_wait(kTuple);
  }

  asio::awaitable<void> to_db(std::shared_ptr<Session> s, std::size_t index) {
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      auto [rec, n] = co_await s->ws.async_read_some(buffer, kChunk, kTuple);
      if (rec) break;
      if (first) {
        first = false;
        auto data = buffer.data();
        std::string name =
            startup_application_name(std::string_view(static_cast<const char*>(data.data()), data.size()));
        std::lock_guard lock(mu);
        application_names[index] = name;
      }
      co_await pause();
      auto [wec, wn] = co_await asio::async_write(s->db, buffer.data(), kTuple);
      buffer.consume(buffer.size());
      if (wec) break;
    }
    boost::system::error_code ignored;
    s->db.close(ignored);
  }

  asio::awaitable<void> to_ws(std::shared_ptr<Session> s) {
    std::vector<char> buffer(kChunk);
    for (;;) {
      auto [rec, n] = co_await s->db.async_read_some(asio::buffer(buffer), kTuple);
      if (rec) break;
      co_await pause();
      auto [wec, wn] = co_await s->ws.async_write(asio::buffer(buffer.data(), n), kTuple);
      if (wec) break;
    }
    if (s->ws.is_open()) co_await s->ws.async_close(websocket::close_code::normal, kTuple);
  }

  // The database a request asks for: (host, port), or port 0 when refused.
  std::pair<std::string, unsigned short> database_of(std::string_view target) const {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return {"", 0};
    auto it = parsed->params().find("address");
    if (it == parsed->params().end()) return {"127.0.0.1", default_db_port};
    std::string address = (*it).value;
    auto colon = address.rfind(':');
    if (colon == std::string::npos) return {"", 0};
    std::string host = address.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    if (host != "127.0.0.1" && host != "::1") return {"", 0};
    return {host, static_cast<unsigned short>(std::atoi(address.c_str() + colon + 1))};
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto s = std::make_shared<Session>(std::move(socket), ssl);
    auto& lowest = beast::get_lowest_layer(s->ws);
    lowest.expires_after(std::chrono::seconds(5));
    auto [hec] = co_await s->ws.next_layer().async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) co_return;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    auto [rec, rn] = co_await bhttp::async_read(s->ws.next_layer(), buffer, req, kTuple);
    if (rec || !websocket::is_upgrade(req)) co_return;
    std::string target(req.target());
    auto [host, port] = database_of(target);
    if (port == 0) {
      bhttp::response<bhttp::string_body> forbidden{bhttp::status::forbidden, 11};
      forbidden.body() = "address not allowed";
      forbidden.prepare_payload();
      co_await bhttp::async_write(s->ws.next_layer(), forbidden, kTuple);
      co_return;
    }
    lowest.expires_never();
    auto [aec] = co_await s->ws.async_accept(req, kTuple);
    if (aec) co_return;
    s->ws.binary(true);
    std::size_t index = 0;
    {
      std::lock_guard lock(mu);
      ++sessions;
      ++open_sessions;
      index = application_names.size();
      targets.push_back(target);
      application_names.emplace_back();
    }
    std::erase_if(live, [](const std::weak_ptr<Session>& w) { return w.expired(); });
    live.push_back(s);
    auto [cec] = co_await s->db.async_connect(tcp::endpoint(asio::ip::make_address(host), port), kTuple);
    if (!cec) {
      boost::system::error_code ignored;
      s->db.set_option(tcp::no_delay(true), ignored);
      co_await (to_db(s, index) && to_ws(s));
    } else {
      co_await s->ws.async_close(websocket::close_code::try_again_later, kTuple);
    }
    std::lock_guard lock(mu);
    --open_sessions;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

WsPgRelay::WsPgRelay(WsPgRelayOptions options) : impl_(std::make_unique<Impl>(options)) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

WsPgRelay::~WsPgRelay() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short WsPgRelay::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string WsPgRelay::url(std::string_view host) const {
  return "wss://" + std::string(host) + ":" + std::to_string(port()) + "/v2";
}

const std::string& WsPgRelay::ca_file() const { return impl_->ca.path(); }

void WsPgRelay::set_chunk_delay(std::chrono::milliseconds delay) { impl_->chunk_delay.store(delay); }

void WsPgRelay::drop_all() {
  std::promise<void> done;
  asio::post(impl_->io, [this, &done] {
    for (auto& weak : impl_->live) {
      if (auto s = weak.lock()) s->cut();
    }
    impl_->live.clear();
    done.set_value();
  });
  done.get_future().wait();
}

int WsPgRelay::sessions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions;
}

int WsPgRelay::open_sessions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open_sessions;
}

std::vector<std::string> WsPgRelay::targets() const {
  std::lock_guard lock(impl_->mu);
  return impl_->targets;
}

std::vector<std::string> WsPgRelay::application_names() const {
  std::lock_guard lock(impl_->mu);
  return impl_->application_names;
}

}  // namespace wh::test
