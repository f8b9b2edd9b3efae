// One database connection for command-line tools (migrations, seed), used
// synchronously: the event-loop Connection of src/db, driven to completion on
// a private io_context for each statement. Not for the server, whose threads
// must never block.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string_view>

#include "db/connection.h"
#include "db/params.h"
#include "db/result.h"

namespace wh::db {

class BlockingSession {
 public:
  // Connects (no statement timeout unless `options` sets one); throws DbError.
  // `exec_timeout` bounds each statement on the client side.
  explicit BlockingSession(ConnectOptions options, std::chrono::milliseconds exec_timeout = std::chrono::minutes(10));
  ~BlockingSession();
  BlockingSession(const BlockingSession&) = delete;
  BlockingSession& operator=(const BlockingSession&) = delete;

  // Runs one parameterised statement; throws DbError.
  Result exec(std::string_view sql, const Params& params = {});
  // Runs a multi-statement script (simple-query protocol); throws DbError.
  void exec_script(std::string_view sql);
  // After a failure: ends the transaction, ignoring errors (when the
  // connection is gone, the server has rolled back already).
  void roll_back() noexcept;

 private:
  boost::asio::io_context io_;  // first: outlives the connection's socket
  std::unique_ptr<Connection> conn_;
  std::chrono::milliseconds exec_timeout_;
};

// ConnectOptions for a tool: the URL, no server-side statement timeout.
ConnectOptions tool_connect_options(const std::string& url, const char* application_name);

}  // namespace wh::db
