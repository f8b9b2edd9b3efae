#include "server/db_transport.h"

#include <stdexcept>

#include "http/pg_ws_bridge.h"

namespace wh::server {

DbTransport::DbTransport(const Config& config) {
  if (!config.database_over_websocket()) return;
  http::PgWebSocketOptions o;
  o.ws_url_override = config.database_ws_url;
  o.ca_file = config.database_ws_ca_file;
  // A little under libpq's own connect timeout, so that libpq reports the
  // bridge's reason (TLS, DNS, HTTP status) rather than a bare timeout.
  o.connect_timeout = config.db_connect_timeout * 9 / 10;
  bridge_ = std::make_unique<http::PgWebSocketBridge>(std::move(o));
}

DbTransport::~DbTransport() = default;

std::string DbTransport::libpq_url(const std::string& url) {
  if (!bridge_ || url.empty()) return url;
  try {
    return bridge_->local_conninfo(url);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("DATABASE_TRANSPORT=websocket: ") + e.what());
  }
}

Config DbTransport::route(Config config) {
  config.database_url = libpq_url(config.database_url);
  config.direct_url = libpq_url(config.direct_url);
  return config;
}

http::PgWebSocketStats DbTransport::stats() const { return bridge_ ? bridge_->stats() : http::PgWebSocketStats{}; }

}  // namespace wh::server
