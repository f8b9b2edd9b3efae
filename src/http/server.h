// The HTTP/1.1 server: Boost.Beast over Asio C++20 coroutines, keep-alive,
// read and idle timeouts, header and body limits, graceful drain.
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/task.h"
#include "http/body_limit.h"
#include "http/message.h"

namespace wh::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  unsigned short port = 7860;  // 0 = any free port (tests)
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};
  // An accepted WebSocket (Response::websocket) is pinged after this long
  // without a frame from the client, and dropped after twice as long.
  std::chrono::milliseconds websocket_ping_interval{30000};
  std::size_t websocket_max_queued_bytes = 1024 * 1024;  // per connection (WebSocket::send)
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // paths no BodyLimit matches
  std::vector<BodyLimit> body_limits;             // the most specific matching path wins
};

// Produces the response for a parsed request. Must not throw.
//
// A streamed response (Response::stream, message.h) gets its head, then
// each BodySink::write as one chunk at once; a write waits while the client
// is slow to read (backpressure), each within read_timeout. The body ends
// with the last chunk only when the producer returns with every write
// done. A client gone, a write timed out, a drain, or a producer that
// throws end it WITHOUT the last chunk (to HTTP/1.0 the connection is
// reset), so no client takes a cut body for a whole one. The producer runs
// after the request's Context is gone: it owns or shares what it uses and
// holds no pooled database connection across a write. The stages see an
// empty `body`: stream only from routes without a CachePlan.
using RequestHandler = std::function<Task<Response>(Request&)>;

class Server {
 public:
  // Accepts on `io`. Without `connection_contexts`, connections are served
  // on `io` too, each on its own strand (any number of threads may run it).
  // With them, connections are spread round-robin over those contexts, each
  // of which must be run by exactly one thread: a connection then needs no
  // strand and never changes threads (no hand-off, no shared scheduler lock
  // on the hit path). `io` may be one of them.
  Server(boost::asio::io_context& io, ServerOptions options, RequestHandler handler);
  Server(boost::asio::io_context& io, std::vector<boost::asio::io_context*> connection_contexts, ServerOptions options,
         RequestHandler handler);
  ~Server();

  // Binds and starts accepting. Throws if the address cannot be bound.
  void start();
  unsigned short port() const { return port_; }
  // Stops accepting, closes idle keep-alive connections, closes WebSockets
  // with 1001 (going away), lets in-flight requests finish (their responses
  // carry "Connection: close"), and calls
  // `done` once no request is in flight or `grace` has passed.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);
  int active_connections() const { return active_.load(); }
  bool draining() const { return draining_.load(); }

  struct Session;

 private:
  Task<void> accept_loop();
  Task<void> serve(std::shared_ptr<Session> session);
  void track(const std::shared_ptr<Session>& s);
  void untrack(const std::shared_ptr<Session>& s);

  boost::asio::io_context& io_;
  std::vector<boost::asio::io_context*> connection_contexts_;
  std::size_t next_context_ = 0;  // touched only by the accept loop
  ServerOptions options_;
  RequestHandler handler_;
  struct Acceptor;
  std::unique_ptr<Acceptor> acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int> active_{0};
  std::mutex sessions_mu_;
  std::set<std::shared_ptr<Session>> sessions_;
};

// Raises the open-file limit to the hard maximum so that ~10k sockets fit.
// Returns the new soft limit.
long raise_open_file_limit();

}  // namespace wh::http
