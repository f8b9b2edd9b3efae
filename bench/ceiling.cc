// wh_ceiling: the physical ceiling for bench/cache_hit.sh.
//
//   wh_ceiling <port> <file> <content-type> [content-encoding]
//
// A minimal HTTP/1.1 keep-alive server on 127.0.0.1 that answers every
// request with the bytes of <file> and the given Content-Type (and
// Content-Encoding). It does what the response cache's hit path must do at
// the least (parse a request with Beast, write the same body from where it
// lies) and nothing else, so comparing the two measures our overhead, not the
// machine's. One thread per core (CEILING_THREADS overrides), each with its
// own io_context and its own SO_REUSEPORT acceptor: no lock, no strand, no
// cross-thread hand-off. The response is built once and written by reference
// (span_body, zero copy); per request only Beast's parser allocates.
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Response = bhttp::response<bhttp::span_body<const char>>;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(tcp::socket socket, const Response& response) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::empty_body> parser;
    auto [rec, rn] = co_await bhttp::async_read(socket, buffer, parser, kNoThrow);
    if (rec) break;
    auto [wec, wn] = co_await bhttp::async_write(socket, response, kNoThrow);
    if (wec || !parser.get().keep_alive()) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor acceptor, const Response& response) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec) continue;  // e.g. out of descriptors: keep serving the others
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), response), asio::detached);
  }
}

tcp::acceptor listen_on(asio::io_context& io, unsigned short port) {
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
  acceptor.bind(endpoint);
  acceptor.listen(4096);
  return acceptor;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s <port> <file> <content-type> [content-encoding]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "wh_ceiling: cannot read %s\n", argv[2]);
    return 2;
  }
  const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  Response response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, argv[3]);
  if (argc == 5) response.set(bhttp::field::content_encoding, argv[4]);
  response.body() = {body.data(), body.size()};
  response.prepare_payload();

  const char* env = std::getenv("CEILING_THREADS");
  unsigned threads = env != nullptr ? static_cast<unsigned>(std::atoi(env)) : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));

  std::vector<std::thread> workers;
  try {
    for (unsigned i = 0; i < threads; ++i) {
      auto io = std::make_shared<asio::io_context>(1);
      asio::co_spawn(*io, accept_loop(listen_on(*io, port), response), asio::detached);
      workers.emplace_back([io] { io->run(); });
    }
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "wh_ceiling: cannot listen on 127.0.0.1:%u: %s\n", port, e.what());
    std::_Exit(1);
  }
  std::printf("wh_ceiling: %zu bytes on 127.0.0.1:%u, %u threads\n", body.size(), port, threads);
  std::fflush(stdout);
  for (auto& w : workers) w.join();
}
