#include "db/db.h"

#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "db/pool.h"

namespace wh::db {
using Clock = std::chrono::steady_clock;

namespace {
std::int64_t micros_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count();
}

bool is_read(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n')) sql.remove_prefix(1);
  return sql.size() >= 6 && (sql.substr(0, 6) == "SELECT" || sql.substr(0, 6) == "select");
}

// A lost connection is the database being unavailable, not a bug.
[[noreturn]] void rethrow_lost(const DbError& e) {
  log::warn("db connection lost", {{"error", e.what()}});
  throw ApiError::unavailable("Database unavailable");
}
}  // namespace

void QueryStats::record(std::string_view sql, std::int64_t us, std::int64_t wait) {
  ++statements;
  db_us += us;
  wait_us += wait;
  // Statement texts are string literals: their address identifies the shape.
  int n = ++repeats[sql.data()];
  max_repeat = std::max(max_repeat, n);
}

// Retrying after a lost connection: always when the statement never left
// this process; otherwise only a read, which cannot have changed anything.
// The retry takes a fresh connection, never another idle one that may have
// died with the first. A write that may have run is not repeated: 503.
Task<Result> Db::query(std::string_view sql, Params params) {
  for (int attempt = 0;; ++attempt) {
    auto t0 = Clock::now();
    Lease lease = co_await pool_->acquire(attempt == 0 ? Pool::Fresh::no : Pool::Fresh::yes);
    auto wait = micros_since(t0);
    auto t1 = Clock::now();
    try {
      Result r = co_await lease->exec(sql, params, pool_->statement_deadline());
      if (stats_) {
        stats_->record(sql, micros_since(t1), wait);
        ++stats_->round_trips;
      }
      co_return r;
    } catch (const DbError& e) {
      if (!e.connection_lost()) throw;
      if (attempt > 0 || !(e.not_sent() || is_read(sql))) rethrow_lost(e);
    }
  }
}

Task<std::vector<Result>> Db::pipeline(std::vector<Statement> statements) {
  bool reads_only = true;
  for (const auto& s : statements) reads_only = reads_only && is_read(s.sql);
  for (int attempt = 0;; ++attempt) {
    auto t0 = Clock::now();
    Lease lease = co_await pool_->acquire(attempt == 0 ? Pool::Fresh::no : Pool::Fresh::yes);
    auto wait = micros_since(t0);
    auto t1 = Clock::now();
    try {
      auto results = co_await lease->pipeline(statements, pool_->statement_deadline());
      if (stats_) {
        auto us = micros_since(t1);
        for (const auto& s : statements) stats_->record(s.sql, us / static_cast<std::int64_t>(statements.size()), 0);
        stats_->wait_us += wait;
        ++stats_->round_trips;
      }
      co_return results;
    } catch (const DbError& e) {
      if (!e.connection_lost()) throw;
      if (attempt > 0 || !(e.not_sent() || reads_only)) rethrow_lost(e);
    }
  }
}

Task<void> Db::transaction(const std::function<Task<void>(Tx&)>& body) {
  // BEGIN changes nothing, so losing the connection on it is retried on a
  // fresh one; after BEGIN a lost connection is 503 (the server rolls back).
  std::optional<Lease> lease;
  for (int attempt = 0;; ++attempt) {
    auto t0 = Clock::now();
    lease.emplace(co_await pool_->acquire(attempt == 0 ? Pool::Fresh::no : Pool::Fresh::yes));
    if (stats_) stats_->wait_us += micros_since(t0);
    try {
      Tx begin(*lease, *pool_, stats_);
      co_await begin.query("BEGIN");
      break;
    } catch (const DbError& e) {
      if (!e.connection_lost()) throw;
      if (attempt > 0) rethrow_lost(e);
    }
    lease.reset();
  }
  Tx tx(*lease, *pool_, stats_);
  std::exception_ptr failure;
  try {
    co_await body(tx);
    co_await tx.query("COMMIT");
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_return;
  try {
    // A connection left inside a transaction is discarded by the pool anyway.
    co_await tx.query("ROLLBACK");
  } catch (...) {
  }
  try {
    std::rethrow_exception(failure);
  } catch (const DbError& e) {
    if (e.connection_lost()) rethrow_lost(e);
    throw;
  }
}

Task<Result> Tx::query(std::string_view sql, Params params) {
  auto t1 = Clock::now();
  Result r = co_await lease_->exec(sql, params, pool_.statement_deadline());
  if (stats_) {
    stats_->record(sql, micros_since(t1), 0);
    ++stats_->round_trips;
  }
  co_return r;
}

Task<std::vector<Result>> Tx::pipeline(std::vector<Statement> statements) {
  auto t1 = Clock::now();
  auto results = co_await lease_->pipeline(statements, pool_.statement_deadline());
  if (stats_) {
    auto us = micros_since(t1);
    for (const auto& s : statements) stats_->record(s.sql, us / static_cast<std::int64_t>(statements.size()), 0);
    ++stats_->round_trips;
  }
  co_return results;
}

}  // namespace wh::db
