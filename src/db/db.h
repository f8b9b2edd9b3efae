// The database as request handlers see it: statements run on a pooled
// connection and are counted against the request (statements, DB time,
// pool wait, repeated shapes = N+1 suspects).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/task.h"
#include "db/params.h"
#include "db/priority.h"
#include "db/result.h"

namespace wh::db {

class Pool;
class Lease;

// Per-request accounting. Not thread-safe: one request runs on one strand.
struct QueryStats {
  int statements = 0;
  int round_trips = 0;
  std::int64_t db_us = 0;
  std::int64_t wait_us = 0;
  int max_repeat = 0;  // most executions of one statement text in this request
  std::unordered_map<const char*, int> repeats;
  void record(std::string_view sql, std::int64_t us, std::int64_t wait);
};

class Tx;

class Db {
 public:
  // `priority`: Priority::background for the workers that drain durable
  // queues (see pool.h), so a flood of requests cannot starve them.
  Db(Pool& pool, QueryStats* stats, Priority priority = Priority::request)
      : pool_(&pool), stats_(stats), priority_(priority) {}

  // One statement on any pooled connection. If the connection is lost, the
  // statement is retried once on a fresh connection when it is a read (text
  // starting with SELECT) or was never sent; otherwise ApiError 503.
  Task<Result> query(std::string_view sql, Params params = {});
  // Several statements in one round trip (pipeline mode), results in order.
  // Retried like query() when all of them are reads or none was sent.
  Task<std::vector<Result>> pipeline(std::vector<Statement> statements);
  // Runs `body` between BEGIN and COMMIT on one connection; any exception
  // rolls back and propagates. A connection lost on the first round trip is
  // replaced once (see Tx); a body that sends nothing sends no BEGIN.
  Task<void> transaction(const std::function<Task<void>(Tx&)>& body);

  Pool& pool() { return *pool_; }
  QueryStats* stats() { return stats_; }

 private:
  Pool* pool_;
  QueryStats* stats_;
  Priority priority_;
};

// The statements of one transaction. BEGIN travels with the first round
// trip and COMMIT with the last when the body ends in a *_and_commit call,
// so a read-then-write transaction costs two round trips: the connection
// is held for as short a time as the work allows.
class Tx {
 public:
  Task<Result> query(std::string_view sql, Params params = {});
  Task<std::vector<Result>> pipeline(std::vector<Statement> statements);
  // The statement(s) and COMMIT in one round trip. The transaction is over
  // when they return; the body must not send anything after them.
  Task<Result> query_and_commit(std::string_view sql, Params params = {});
  Task<std::vector<Result>> pipeline_and_commit(std::vector<Statement> statements);

 private:
  friend class Db;
  Tx(std::optional<Lease>& lease, Pool& pool, QueryStats* stats, Priority priority)
      : lease_(lease), pool_(pool), stats_(stats), priority_(priority) {}
  Task<std::vector<Result>> run(std::vector<Statement> statements, bool commit);
  std::optional<Lease>& lease_;
  Pool& pool_;
  QueryStats* stats_;
  Priority priority_;
  bool opened_ = false;     // BEGIN was sent (the server may be in the transaction)
  bool committed_ = false;  // COMMIT succeeded
};

}  // namespace wh::db
