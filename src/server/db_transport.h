// How this process's database connections reach the server
// (DATABASE_TRANSPORT): the one place that turns a configured URL into what
// libpq is given. Over TCP that is the URL itself; over the WebSocket
// transport it is a loopback conninfo of the bridge (http/pg_ws_bridge.h),
// which this object owns. The server (App) holds one for its lifetime, a
// command (migrate, seed, audit) for its run; every connection made from
// the URLs it returns must end before it is destroyed.
#pragma once
#include <memory>
#include <string>

#include "core/config.h"
#include "http/pg_ws_bridge.h"

namespace wh::server {

class DbTransport {
 public:
  // Starts the bridge when `config` asks for the WebSocket transport.
  // Throws std::runtime_error when DATABASE_WS_CA_FILE cannot be loaded.
  explicit DbTransport(const Config& config);
  ~DbTransport();
  DbTransport(const DbTransport&) = delete;
  DbTransport& operator=(const DbTransport&) = delete;

  // What libpq is given for `url` ("" stays ""). Throws std::runtime_error
  // (naming DATABASE_URL, not its text) when the WebSocket transport cannot
  // route it.
  std::string libpq_url(const std::string& url);
  // `config` with DATABASE_URL and DIRECT_URL replaced by libpq_url() of
  // them: whatever connects from the returned configuration goes this way.
  Config route(Config config);

  bool websocket() const { return bridge_ != nullptr; }
  // Tunnel counters (all zero over TCP).
  http::PgWebSocketStats stats() const;

 private:
  std::unique_ptr<http::PgWebSocketBridge> bridge_;
};

}  // namespace wh::server
