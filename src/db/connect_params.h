// The parameters libpq connects with, prepared so that libpq itself never
// resolves a host name: a blocking getaddrinfo() inside PQconnectPoll would
// stall the event-loop thread for as long as DNS takes. Host names are
// resolved here with Asio's asynchronous resolver and passed as `hostaddr`
// (one entry per address), while `host` keeps the name for TLS (SNI, which
// Neon routes on) and certificate checks. Internal to src/db.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/task.h"

namespace wh::db {

struct ConnectOptions {
  std::string url;  // libpq URL or key=value string
  std::chrono::milliseconds connect_timeout{10000};
  // With a value, also jit=off; 0 sends no startup options (PgBouncer) and
  // leaves both to the server or role.
  std::chrono::milliseconds statement_timeout{5000};
  std::string application_name = "wighaven";
  bool prepare_statements = true;  // see Connection::exec()
};

struct ConnectParams {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::string get(const std::string& key) const;  // "" when absent
};

// Our defaults (connect_timeout, application_name, statement_timeout and
// jit=off via `options`), overridden by whatever the URL sets, plus `hostaddr` for
// every host name. Throws DbError (connection lost) when the URL does not
// parse, a name does not resolve, or `deadline` passes first.
Task<ConnectParams> connect_params(boost::asio::any_io_executor ex, const ConnectOptions& options,
                                   std::chrono::steady_clock::time_point deadline);

}  // namespace wh::db
