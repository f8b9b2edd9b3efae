// One non-blocking libpq connection driven by the Asio event loop. Used by a
// single coroutine at a time (the pool guarantees it). Internal to src/db.
#pragma once
#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/task.h"
#include "db/params.h"
#include "db/result.h"

namespace wh::db {

struct ConnectOptions {
  std::string url;  // libpq URL or key=value string
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds statement_timeout{5000};  // 0 = leave the server default
  std::string application_name = "wighaven";
};

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens a connection without blocking the thread. Throws DbError on failure
  // or when `options.connect_timeout` passes.
  static Task<std::unique_ptr<Connection>> connect(boost::asio::any_io_executor ex, const ConnectOptions& options);

  // Runs one parameterised statement. `timeout` bounds the wait for the
  // answer on the client side; when it passes the connection is marked broken.
  Task<Result> exec(std::string_view sql, const Params& params, std::chrono::milliseconds timeout);

  // Runs the statements in one round trip (libpq pipeline mode). Throws on
  // the first failing statement; later ones are then aborted by the server.
  Task<std::vector<Result>> pipeline(const std::vector<Statement>& statements, std::chrono::milliseconds timeout);

  // Payloads of NOTIFY messages received (after LISTEN), waiting up to
  // `max_wait` when none is pending. Empty when the wait passed quietly.
  Task<std::vector<std::string>> notifications(std::chrono::milliseconds max_wait);

  // False once the connection failed or was left inside a transaction; the
  // pool then discards it.
  bool healthy() const;

 private:
  Connection(boost::asio::any_io_executor ex, PGconn* conn);
  void track_socket();
  Task<bool> wait_ready(bool want_read, bool want_write, std::chrono::steady_clock::time_point deadline);
  Task<void> wait(bool want_read, bool want_write, std::chrono::steady_clock::time_point deadline);
  Task<void> flush(std::chrono::steady_clock::time_point deadline);
  Task<PGresult*> next_result(std::chrono::steady_clock::time_point deadline);
  [[noreturn]] void fail(const char* what);

  boost::asio::any_io_executor ex_;
  PGconn* conn_;
  boost::asio::posix::stream_descriptor socket_;
  int fd_ = -1;
  bool broken_ = false;
};

}  // namespace wh::db
