// A WebSocket-to-TCP relay on 127.0.0.1 standing in for Neon's
// wss://<host>/v2 endpoint in tests of the database WebSocket transport
// (http/pg_ws_bridge.h): TLS with a throwaway certificate, and for each
// WebSocket its own TCP connection to PostgreSQL, binary frames carrying the
// bytes both ways. The database is `address=<host>:<port>` from the
// request's query when given (loopback hosts only, else 403), as Neon's
// wsproxy does, otherwise 127.0.0.1 at WH_TEST_PG_PORT (5432 when unset),
// the test PostgreSQL. bench/pg_ws_bridge.cc uses it too. A database
// that refuses the connection closes the WebSocket. Runs on its own thread.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wh::test {

struct WsPgRelayOptions {
  std::vector<std::string> alt_names = {"DNS:localhost", "IP:127.0.0.1"};  // of the server certificate
  std::chrono::milliseconds chunk_delay{0};  // before relaying each chunk, either way (a slow link)
};

class WsPgRelay {
 public:
  explicit WsPgRelay(WsPgRelayOptions options = {});
  ~WsPgRelay();
  WsPgRelay(const WsPgRelay&) = delete;
  WsPgRelay& operator=(const WsPgRelay&) = delete;

  unsigned short port() const;
  // wss://<host>:<port>/v2
  std::string url(std::string_view host = "127.0.0.1") const;
  // A PEM file of the CA that signed the relay's certificate (for
  // DATABASE_WS_CA_FILE), deleted with the relay.
  const std::string& ca_file() const;

  void set_chunk_delay(std::chrono::milliseconds delay);
  // Cuts every live session at once, both its WebSocket and its database
  // connection, without a close frame (a network failure). Returns once done.
  void drop_all();

  int sessions() const;       // WebSocket handshakes completed
  int open_sessions() const;  // sessions still relaying
  // The request targets (path and query) of the sessions, in order.
  std::vector<std::string> targets() const;
  // application_name of each session's startup message, in order ("" when
  // it had none).
  std::vector<std::string> application_names() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wh::test
