#include "support/fake_http_server.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <thread>

namespace wh::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string RecordedRequest::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

struct FakeHttpServer::Impl {
  explicit Impl(std::optional<FakeTls> t) : tls(std::move(t)), acceptor(io) {}

  // Declared before io: sessions destroyed with io still use the context.
  std::optional<FakeTls> tls;
  std::optional<asio::ssl::context> ssl;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;

  mutable std::mutex mu;
  FakeHandler handler = [](const RecordedRequest&) { return FakeReply::json("{}"); };
  std::vector<RecordedRequest> requests;
  int connections = 0;
  int failed_handshakes = 0;
  int in_flight = 0;
  int max_in_flight = 0;

  // One request read, answered; false when the connection is to be closed.
  template <typename Stream>
  asio::awaitable<bool> serve_one(Stream& stream, beast::flat_buffer& buffer, const std::string& sni) {
    bhttp::request<bhttp::string_body> in;
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, in, asio::as_tuple(asio::use_awaitable));
    if (rec) co_return false;
    RecordedRequest r;
    r.method = std::string(in.method_string());
    r.target = std::string(in.target());
    for (const auto& f : in) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    r.body = in.body();
    r.sni = sni;
    FakeHandler h;
    {
      std::lock_guard lock(mu);
      requests.push_back(r);
      max_in_flight = std::max(max_in_flight, ++in_flight);
      h = handler;
    }
    FakeReply reply = h(r);
    if (reply.delay.count() > 0) {
      asio::steady_timer t(io, reply.delay);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    bool keep = false;
    if (!reply.drop) {
      bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(reply.status), 11};
      out.set(bhttp::field::content_type, reply.content_type);
      for (const auto& [k, v] : reply.headers) out.set(k, v);
      out.body() = reply.body;
      out.keep_alive(in.keep_alive());
      out.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
      keep = !wec && in.keep_alive() && !reply.close_after;
    }
    {
      std::lock_guard lock(mu);
      --in_flight;
    }
    co_return keep;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::flat_buffer buffer;
    if (!ssl) {
      beast::tcp_stream stream(std::move(socket));
      {
        std::lock_guard lock(mu);
        ++connections;
      }
      while (co_await serve_one(stream, buffer, "")) {
      }
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *ssl);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    {
      std::lock_guard lock(mu);
      ++(hec ? failed_handshakes : connections);
    }
    if (hec) co_return;
    const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    std::string sni = name ? name : "";
    while (co_await serve_one(stream, buffer, sni)) {
    }
    beast::error_code ec;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

FakeHttpServer::FakeHttpServer(std::optional<FakeTls> tls) : impl_(std::make_unique<Impl>(std::move(tls))) {
  if (impl_->tls) {
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    impl_->ssl->use_certificate_chain(asio::buffer(impl_->tls->cert_pem));
    impl_->ssl->use_private_key(asio::buffer(impl_->tls->key_pem), asio::ssl::context::pem);
  }
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short FakeHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string FakeHttpServer::url(std::string_view path, std::string_view host) const {
  return std::string(impl_->tls ? "https://" : "http://") + std::string(host) + ":" + std::to_string(port()) +
         std::string(path);
}

void FakeHttpServer::set_handler(FakeHandler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->handler = std::move(handler);
}

void FakeHttpServer::reply(FakeReply reply) {
  set_handler([reply](const RecordedRequest&) { return reply; });
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

std::size_t FakeHttpServer::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

int FakeHttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

int FakeHttpServer::failed_handshakes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->failed_handshakes;
}

int FakeHttpServer::max_in_flight() const {
  std::lock_guard lock(impl_->mu);
  return impl_->max_in_flight;
}

}  // namespace wh::test
