// One non-blocking libpq connection driven by the Asio event loop. Used by a
// single coroutine at a time (the pool guarantees it). Internal to src/db.
#pragma once
#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/task.h"
#include "db/connect_params.h"
#include "db/params.h"
#include "db/result.h"

namespace wh::db {

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens a connection without blocking the thread (host names are resolved
  // asynchronously, see connect_params.h). Throws DbError on failure or when
  // `options.connect_timeout` or `deadline`, whichever is first, passes.
  static Task<std::unique_ptr<Connection>> connect(
      boost::asio::any_io_executor ex, const ConnectOptions& options,
      std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

  // Runs one parameterised statement. `timeout` bounds the wait for the
  // answer on the client side; when it passes the connection is marked broken.
  //
  // Statements (SELECT, WITH, INSERT, UPDATE, DELETE, VALUES) are prepared
  // on first use under a name of this connection (protocol-level, which
  // Neon's pooler supports; never SQL PREPARE), so the server parses each
  // text once per connection and may reuse its plan instead of planning every
  // call: up to kMaxPrepared texts, later ones run unnamed. A prepared
  // statement whose result type changed (DDL by someone else) fails that
  // call and marks the connection broken, so the pool replaces it and the
  // next call prepares afresh. A prepared statement the server does not
  // know (26000: a pooler that does not carry prepared statements across
  // its server connections) fails that call and turns preparing off for the
  // whole process (logged); ConnectOptions::prepare_statements = false
  // (DB_PREPARED_STATEMENTS=false) never turns it on.
  Task<Result> exec(std::string_view sql, const Params& params, std::chrono::milliseconds timeout);

  // Runs a script of several statements without parameters (simple-query
  // protocol), e.g. a migration file. Throws on the first failing statement;
  // the server skips the rest.
  Task<void> exec_script(std::string_view sql, std::chrono::milliseconds timeout);

  // Runs the statements in one round trip (libpq pipeline mode). Throws on
  // the first failing statement; later ones are then aborted by the server.
  Task<std::vector<Result>> pipeline(const std::vector<Statement>& statements, std::chrono::milliseconds timeout);

  // Payloads of NOTIFY messages received (after LISTEN), waiting up to
  // `max_wait` when none is pending. Empty when the wait passed quietly.
  Task<std::vector<std::string>> notifications(std::chrono::milliseconds max_wait);

  // False once the connection failed or was left inside a transaction; the
  // pool then discards it.
  bool healthy() const;

  // Not failed, and the server has not closed the connection meanwhile: looks
  // at the socket without waiting (peer hang-up, or input that libpq reads
  // as an error or end of file). An idle connection the server terminated
  // (restart, idle timeout, Neon suspending its compute) fails this check,
  // so it is discarded before any statement is sent on it.
  bool alive();

  static constexpr std::size_t kMaxPrepared = 200;

 private:
  Connection(boost::asio::any_io_executor ex, PGconn* conn);
  void watch_socket();
  Task<bool> wait_ready(bool want_read, bool want_write, std::chrono::steady_clock::time_point deadline);
  Task<void> wait(bool want_read, bool want_write, std::chrono::steady_clock::time_point deadline);
  Task<void> flush(std::chrono::steady_clock::time_point deadline);
  Task<PGresult*> next_result(std::chrono::steady_clock::time_point deadline);
  Task<Result> finish_query(std::chrono::steady_clock::time_point deadline);
  [[noreturn]] void fail(const char* what);
  // Queues one statement (prepared when it may be, see exec()); returns the
  // name prepared in this round trip, or "" when no Parse result will come.
  std::string send_statement(std::string_view text, const Params& params);
  // One statement of a round trip, borrowed from the caller (exec() and
  // pipeline() share round_trip() without copying their parameters).
  struct StatementRef {
    std::string_view sql;
    const Params* params;
  };
  Task<std::vector<Result>> round_trip(const std::vector<StatementRef>& statements, std::chrono::milliseconds timeout);
  void forget_if_stale(const DbError& error);

  boost::asio::any_io_executor ex_;
  PGconn* conn_;
  // A dup() of libpq's socket, registered with the reactor. Owning our own
  // descriptor means libpq closing or replacing its socket can never leave
  // the reactor watching a reused descriptor number.
  boost::asio::posix::stream_descriptor socket_;
  bool broken_ = false;
  bool prepare_ = true;
  // Looked up by string_view: no copy of the text per call.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> prepared_;  // SQL text -> statement name
  unsigned next_name_ = 0;
};

}  // namespace wh::db
