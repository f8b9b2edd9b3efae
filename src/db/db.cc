#include "db/db.h"

#include <optional>
#include <stdexcept>

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
    Lease lease = co_await pool_->acquire(attempt == 0 ? Pool::Fresh::no : Pool::Fresh::yes, priority_);
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
    Lease lease = co_await pool_->acquire(attempt == 0 ? Pool::Fresh::no : Pool::Fresh::yes, priority_);
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
  std::optional<Lease> lease;
  auto t0 = Clock::now();
  lease.emplace(co_await pool_->acquire(Pool::Fresh::no, priority_));
  if (stats_) stats_->wait_us += micros_since(t0);
  Tx tx(lease, *pool_, stats_, priority_);
  std::exception_ptr failure;
  try {
    co_await body(tx);
    if (tx.opened_ && !tx.committed_) co_await tx.run({}, true);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_return;
  if (tx.opened_ && !tx.committed_) {
    try {
      // A connection left inside a transaction is discarded by the pool anyway.
      co_await (*lease)->exec("ROLLBACK", {}, pool_->statement_deadline());
    } catch (...) {
    }
  }
  try {
    std::rethrow_exception(failure);
  } catch (const DbError& e) {
    if (e.connection_lost()) rethrow_lost(e);
    throw;
  }
}

Task<Result> Tx::query(std::string_view sql, Params params) {
  std::vector<Statement> one;
  one.push_back(Statement{sql, std::move(params)});
  auto results = co_await run(std::move(one), false);
  co_return std::move(results.front());
}

Task<std::vector<Result>> Tx::pipeline(std::vector<Statement> statements) {
  co_return co_await run(std::move(statements), false);
}

Task<Result> Tx::query_and_commit(std::string_view sql, Params params) {
  std::vector<Statement> one;
  one.push_back(Statement{sql, std::move(params)});
  auto results = co_await run(std::move(one), true);
  co_return std::move(results.front());
}

Task<std::vector<Result>> Tx::pipeline_and_commit(std::vector<Statement> statements) {
  co_return co_await run(std::move(statements), true);
}

Task<std::vector<Result>> Tx::run(std::vector<Statement> statements, bool commit) {
  if (committed_) throw std::logic_error("a statement after the transaction's COMMIT");
  const bool first = !opened_;
  const std::size_t given = statements.size();
  if (first) statements.insert(statements.begin(), Statement{"BEGIN", {}});
  if (commit) statements.push_back(Statement{"COMMIT", {}});
  opened_ = true;
  auto t1 = Clock::now();
  std::vector<Result> results;
  for (int attempt = 0;; ++attempt) {
    try {
      results = co_await (*lease_)->pipeline(statements, pool_.statement_deadline());
      break;
    } catch (const DbError& e) {
      // The round trip that opens the transaction may run again on a fresh
      // connection when its connection was lost (typically closed by the
      // server while idle in the pool): without a COMMIT that reached the
      // server, nothing of it can have been kept. Any later loss is final.
      bool replay = first && attempt == 0 && e.connection_lost() && (!commit || e.not_sent());
      if (!replay) throw;
    }
    auto t0 = Clock::now();
    lease_.emplace(co_await pool_.acquire(Pool::Fresh::yes, priority_));
    if (stats_) stats_->wait_us += micros_since(t0);
    t1 = Clock::now();
  }
  committed_ = commit;
  if (stats_) {
    auto us = micros_since(t1) / static_cast<std::int64_t>(statements.size());
    for (const auto& s : statements) stats_->record(s.sql, us, 0);
    ++stats_->round_trips;
  }
  if (first) results.erase(results.begin());
  results.resize(given);
  co_return results;
}

}  // namespace wh::db
