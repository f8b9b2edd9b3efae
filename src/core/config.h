// Process configuration, read once from the environment (12-factor).
// Variable names follow the old Node.js backend where one existed.
#pragma once
#include <chrono>
#include <string>

namespace wh {

struct Config {
  // Server
  std::string host = "0.0.0.0";
  int port = 7860;                 // PORT: HF Spaces default.
  int threads = 0;                 // WH_THREADS: 0 = one per core.
  std::string node_env = "development";  // NODE_ENV
  std::chrono::seconds read_timeout{30};      // HTTP_READ_TIMEOUT_S: per request.
  std::chrono::seconds idle_timeout{75};      // HTTP_IDLE_TIMEOUT_S: keep-alive idle.
  std::chrono::seconds shutdown_grace{10};    // SHUTDOWN_GRACE_S: drain deadline.
  std::size_t max_header_bytes = 16 * 1024;   // HTTP_MAX_HEADER_BYTES
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // HTTP_MAX_BODY_BYTES (old: 10mb)
  bool debug_headers = false;      // DEBUG_QUERY_HEADERS: X-DB-* response headers.
  bool access_log = true;          // ACCESS_LOG: one JSON line per request.
  std::string frontend_url = "http://localhost:5173";  // FRONTEND_URL

  // Database
  std::string database_url;        // DATABASE_URL
  int db_pool_size = 6;            // DB_POOL_SIZE
  std::chrono::milliseconds db_acquire_timeout{3000};    // DB_ACQUIRE_TIMEOUT_MS
  std::chrono::milliseconds db_connect_timeout{10000};   // DB_CONNECT_TIMEOUT_MS
  std::chrono::milliseconds db_statement_timeout{5000};  // DB_STATEMENT_TIMEOUT_MS; 0 = off
  int db_connect_retries = 4;      // DB_CONNECT_RETRIES: Neon cold starts.

  // Auth
  std::string jwt_secret;          // JWT_SECRET

  // Reads the environment; throws std::runtime_error naming the bad variable.
  static Config from_env();
  bool production() const { return node_env == "production"; }
};

}  // namespace wh
