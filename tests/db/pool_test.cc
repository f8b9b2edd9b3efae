// The real Pool / Db / Connection on an io_context against a scratch database.
#include "db/pool.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "db/db.h"
#include "support/test_env.h"

namespace wh::db {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

// An io_context that runs coroutines and collects their exceptions.
struct Loop {
  asio::io_context io;
  std::vector<std::exception_ptr> errors;

  template <class F>
  void spawn(F f) {
    asio::co_spawn(io, std::move(f), [this](std::exception_ptr e) {
      if (e) errors.push_back(e);
    });
  }
  // Runs until every coroutine finished (bounded so that a hang fails the test).
  void run(std::chrono::seconds limit = 30s) {
    io.restart();
    io.run_for(limit);
    EXPECT_TRUE(io.stopped()) << "coroutines still running after " << limit.count() << " s";
  }
  void expect_no_errors() {
    for (const auto& e : errors) ADD_FAILURE() << "coroutine failed: " << describe(e);
  }
};

PoolOptions options(const std::string& url, int size) {
  PoolOptions o;
  o.connect.url = url;
  o.connect.connect_timeout = 5000ms;
  o.size = size;
  o.acquire_timeout = 5000ms;
  o.connect_retries = 0;
  return o;
}

Task<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

long long count(const std::string& db, const std::string& sql_text) { return std::stoll(test::sql(db, sql_text)); }

// Blocks until the backend `pid` has exited.
void wait_backend_gone(const std::string& pid) {
  for (int i = 0; i < 200; ++i) {
    if (count("postgres", "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0) return;
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "backend " << pid << " is still running";
}

TEST(PoolTest, BoundedConcurrencyQueuesTheRest) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 2));
  constexpr int kRequests = 10;
  int done = 0;
  int max_open = 0;
  std::set<std::string> pids;
  for (int i = 0; i < kRequests; ++i) {
    loop.spawn([&]() -> Task<void> {
      Db db(pool, nullptr);
      auto r = co_await db.query("SELECT pg_backend_pid(), pg_sleep(0.05)");
      pids.insert(std::string(r.get(0, 0)));
      max_open = std::max(max_open, pool.stats().open);
      ++done;
    });
  }
  // Samples the pool while the queries run.
  loop.spawn([&]() -> Task<void> {
    auto until = Clock::now() + 20s;
    while (done + static_cast<int>(loop.errors.size()) < kRequests && Clock::now() < until) {
      max_open = std::max(max_open, pool.stats().open);
      co_await sleep_for(2ms);
    }
  });
  auto t0 = Clock::now();
  loop.run();
  auto elapsed = Clock::now() - t0;
  loop.expect_no_errors();

  EXPECT_EQ(done, kRequests);
  EXPECT_LE(max_open, 2);
  EXPECT_GE(max_open, 1);
  EXPECT_LE(pids.size(), 2u) << "more backends than the pool size were used";
  auto s = pool.stats();
  EXPECT_EQ(s.size, 2);
  EXPECT_LE(s.open, 2);
  EXPECT_GT(s.waited, 0u);
  EXPECT_EQ(s.acquired, static_cast<std::uint64_t>(kRequests));
  EXPECT_EQ(s.connects, 2u);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.idle, 2);
  // Ten 50 ms statements on two connections take at least five rounds.
  EXPECT_GE(elapsed, 240ms);
}

TEST(PoolTest, AcquireTimesOutWith503WhenAllConnectionsAreBusy) {
  test::ScratchDb scratch(false);
  Loop loop;
  auto o = options(scratch.url(), 1);
  o.acquire_timeout = 100ms;
  Pool pool(loop.io.get_executor(), o);
  bool holder_done = false;
  int status = 0;
  int retry_after = 0;
  std::string type;
  Clock::duration waited{};
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    co_await db.query("SELECT pg_sleep(1)");
    holder_done = true;
  });
  loop.spawn([&]() -> Task<void> {
    auto t0 = Clock::now();
    try {
      Lease lease = co_await pool.acquire();
      ADD_FAILURE() << "acquired a connection although the only one was busy";
    } catch (const ApiError& e) {
      waited = Clock::now() - t0;
      status = e.status();
      retry_after = e.retry_after();
      type = e.type();
    }
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_TRUE(holder_done);
  EXPECT_EQ(status, 503);
  EXPECT_EQ(type, "ServiceUnavailableError");
  EXPECT_GT(retry_after, 0);
  EXPECT_GE(waited, 90ms);
  EXPECT_LT(waited, 900ms) << "the waiter was not bounded by acquire_timeout";
  auto s = pool.stats();
  EXPECT_EQ(s.timeouts, 1u);
  EXPECT_EQ(s.waiting, 0) << "the timed-out waiter is still queued";
  EXPECT_EQ(s.open, 1);
}

TEST(PoolTest, WaiterGetsTheReleasedConnection) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::vector<int> order;
  for (int i = 0; i < 3; ++i) {
    loop.spawn([&, i]() -> Task<void> {
      Db db(pool, nullptr);
      co_await db.query("SELECT pg_sleep(0.02)");
      order.push_back(i);
    });
  }
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2})) << "waiters are served first come, first served";
  EXPECT_EQ(pool.stats().connects, 1u);
  EXPECT_EQ(pool.stats().waited, 2u);
}

TEST(PoolTest, ReadIsRetriedAfterTheConnectionWasLost) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string pid1, pid2;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto r1 = co_await db.query("SELECT pg_backend_pid()");
    pid1 = std::string(r1.get(0, 0));
    EXPECT_EQ(test::sql("postgres", "SELECT pg_terminate_backend(" + pid1 + ")"), "t");
    wait_backend_gone(pid1);
    auto r2 = co_await db.query("SELECT pg_backend_pid()");
    pid2 = std::string(r2.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_FALSE(pid1.empty());
  EXPECT_FALSE(pid2.empty());
  EXPECT_NE(pid1, pid2);
  auto s = pool.stats();
  EXPECT_EQ(s.connects, 2u);
  EXPECT_GE(s.discarded, 1u);
  EXPECT_EQ(s.open, 1);
}

TEST(PoolTest, WriteOnALostConnectionIs503AndNotRetried) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE lost_probe (v int)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  int status = 0;
  std::string after;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto r1 = co_await db.query("SELECT pg_backend_pid()");
    std::string pid(r1.get(0, 0));
    test::sql("postgres", "SELECT pg_terminate_backend(" + pid + ")");
    wait_backend_gone(pid);
    try {
      co_await db.query("INSERT INTO lost_probe VALUES (1)");
      ADD_FAILURE() << "the write on a dead connection succeeded";
    } catch (const ApiError& e) {
      status = e.status();
    }
    auto r2 = co_await db.query("SELECT count(*) FROM lost_probe");
    after = std::string(r2.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(status, 503);
  EXPECT_EQ(after, "0") << "a write must not be silently re-sent on a new connection";
}

TEST(PoolTest, PipelineReturnsResultsInOrder) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::vector<std::string> values;
  int rows_of_series = 0;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    std::vector<Statement> statements;
    statements.push_back({"SELECT 'first'::text", {}});
    statements.push_back({"SELECT $1::int + 1", {Param(41)}});
    statements.push_back({"SELECT generate_series(1, $1::int)", {Param(5)}});
    statements.push_back({"SELECT $1::text || $2::text", {Param("a"), Param(std::string("b"))}});
    auto results = co_await db.pipeline(std::move(statements));
    EXPECT_EQ(results.size(), 4u);
    for (const auto& r : results) values.emplace_back(r.rows() > 0 ? std::string(r.get(0, 0)) : "<none>");
    if (results.size() == 4) rows_of_series = results[2].rows();
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(values, (std::vector<std::string>{"first", "42", "1", "ab"}));
  EXPECT_EQ(rows_of_series, 5);
}

TEST(PoolTest, FailingPipelineStatementThrowsAndThePoolStaysUsable) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string sqlstate;
  bool lost = true;
  std::string after_query;
  std::vector<std::string> after_pipeline;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    std::vector<Statement> bad;
    bad.push_back({"SELECT 1", {}});
    bad.push_back({"SELECT 1/0", {}});
    bad.push_back({"SELECT 3", {}});
    try {
      co_await db.pipeline(std::move(bad));
      ADD_FAILURE() << "a division by zero in a pipeline did not throw";
    } catch (const DbError& e) {
      sqlstate = e.sqlstate();
      lost = e.connection_lost();
    }
    auto r = co_await db.query("SELECT 'still ok'::text");
    after_query = std::string(r.get(0, 0));
    std::vector<Statement> good;
    good.push_back({"SELECT 7", {}});
    good.push_back({"SELECT 8", {}});
    auto rs = co_await db.pipeline(std::move(good));
    for (const auto& x : rs) after_pipeline.emplace_back(x.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(sqlstate, "22012");
  EXPECT_FALSE(lost);
  EXPECT_EQ(after_query, "still ok");
  EXPECT_EQ(after_pipeline, (std::vector<std::string>{"7", "8"}));
  EXPECT_EQ(pool.stats().connects, 1u) << "the connection should have been reused";
  EXPECT_EQ(pool.stats().discarded, 0u);
}

TEST(PoolTest, QueryErrorCarriesSqlstateAndKeepsTheConnection) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string sqlstate;
  std::string value;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    try {
      co_await db.query("SELECT * FROM no_such_table");
    } catch (const DbError& e) {
      sqlstate = e.sqlstate();
    }
    Params p{std::string("x'y")};
    auto r = co_await db.query("SELECT $1::text", std::move(p));
    value = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(sqlstate, "42P01");
  EXPECT_EQ(value, "x'y");
  EXPECT_EQ(pool.stats().connects, 1u);
}

TEST(PoolTest, TransactionCommitsOnSuccessAndRollsBackOnException) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE tx_probe (v int)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string seen_outside_during_tx = "?";
  std::string seen_inside_during_tx = "?";
  std::string runtime_message;
  std::string db_sqlstate;
  std::string count_after;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    std::function<Task<void>(Tx&)> commit_body = [&](Tx& tx) -> Task<void> {
      co_await tx.query("INSERT INTO tx_probe VALUES (1)");
      co_await tx.query("INSERT INTO tx_probe VALUES (2)");
      auto r = co_await tx.query("SELECT count(*) FROM tx_probe");
      seen_inside_during_tx = std::string(r.get(0, 0));
      seen_outside_during_tx = test::sql(scratch.name(), "SELECT count(*) FROM tx_probe");
    };
    co_await db.transaction(commit_body);

    std::function<Task<void>(Tx&)> throwing_body = [&](Tx& tx) -> Task<void> {
      co_await tx.query("INSERT INTO tx_probe VALUES (3)");
      throw std::runtime_error("boom");
    };
    try {
      co_await db.transaction(throwing_body);
      ADD_FAILURE() << "the exception was swallowed";
    } catch (const std::runtime_error& e) {
      runtime_message = e.what();
    }

    std::function<Task<void>(Tx&)> failing_body = [&](Tx& tx) -> Task<void> {
      co_await tx.query("INSERT INTO tx_probe VALUES (4)");
      co_await tx.query("SELECT 1/0");
    };
    try {
      co_await db.transaction(failing_body);
      ADD_FAILURE() << "the failed statement did not throw";
    } catch (const DbError& e) {
      db_sqlstate = e.sqlstate();
    }
    // The (single) connection is not left inside an aborted transaction.
    auto r = co_await db.query("SELECT count(*) FROM tx_probe");
    count_after = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(seen_inside_during_tx, "2");
  EXPECT_EQ(seen_outside_during_tx, "0") << "the inserts were not inside a transaction";
  EXPECT_EQ(runtime_message, "boom");
  EXPECT_EQ(db_sqlstate, "22012");
  EXPECT_EQ(count_after, "2");
  EXPECT_EQ(test::sql(scratch.name(), "SELECT string_agg(v::text, ',' ORDER BY v) FROM tx_probe"), "1,2");
}

TEST(PoolTest, UnreachableDatabaseIs503Quickly) {
  Loop loop;
  PoolOptions o;
  o.connect.url = "postgresql://postgres@127.0.0.1:1/postgres";
  o.connect.connect_timeout = 3000ms;
  o.size = 2;
  o.connect_retries = 0;
  Pool pool(loop.io.get_executor(), o);
  int acquire_status = 0;
  int query_status = 0;
  int retry_after = 0;
  Clock::duration elapsed{};
  loop.spawn([&]() -> Task<void> {
    auto t0 = Clock::now();
    try {
      Lease lease = co_await pool.acquire();
      ADD_FAILURE() << "connected to port 1";
    } catch (const ApiError& e) {
      acquire_status = e.status();
      retry_after = e.retry_after();
    }
    elapsed = Clock::now() - t0;
    Db db(pool, nullptr);
    try {
      co_await db.query("SELECT 1");
    } catch (const ApiError& e) {
      query_status = e.status();
    }
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(acquire_status, 503);
  EXPECT_EQ(query_status, 503);
  EXPECT_GT(retry_after, 0);
  EXPECT_LT(elapsed, 3s);
  auto s = pool.stats();
  EXPECT_EQ(s.open, 0) << "a failed connect must give its slot back";
  EXPECT_EQ(s.connect_failures, 2u);
  EXPECT_EQ(s.connects, 0u);
}

TEST(PoolTest, ConnectRetriesBackOff) {
  Loop loop;
  PoolOptions o;
  o.connect.url = "postgresql://postgres@127.0.0.1:1/postgres";
  o.size = 1;
  o.connect_retries = 2;  // waits 100 ms, then 200 ms
  Pool pool(loop.io.get_executor(), o);
  int status = 0;
  Clock::duration elapsed{};
  loop.spawn([&]() -> Task<void> {
    auto t0 = Clock::now();
    try {
      co_await pool.acquire();
    } catch (const ApiError& e) {
      status = e.status();
    }
    elapsed = Clock::now() - t0;
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(status, 503);
  EXPECT_EQ(pool.stats().connect_failures, 3u);
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(elapsed, 5s);
}

TEST(PoolTest, WaitersOfAnUnreachableDatabaseAllFail) {
  // A failed connect hands its slot to a queued waiter, which must also fail
  // (not hang) when the database stays down.
  Loop loop;
  PoolOptions o;
  o.connect.url = "postgresql://postgres@127.0.0.1:1/postgres";
  o.size = 1;
  o.acquire_timeout = 2000ms;
  o.connect_retries = 0;
  Pool pool(loop.io.get_executor(), o);
  int failures = 0;
  for (int i = 0; i < 3; ++i) {
    loop.spawn([&]() -> Task<void> {
      try {
        co_await pool.acquire();
      } catch (const ApiError& e) {
        if (e.status() == 503) ++failures;
      }
    });
  }
  auto t0 = Clock::now();
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(failures, 3);
  EXPECT_LT(Clock::now() - t0, 1900ms) << "waiters sat out acquire_timeout instead of trying to connect";
  EXPECT_EQ(pool.stats().open, 0);
  EXPECT_EQ(pool.stats().waiting, 0);
}

TEST(PoolTest, ServerStatementTimeoutIsAQueryErrorNotALostConnection) {
  test::ScratchDb scratch(false);
  Loop loop;
  auto o = options(scratch.url(), 1);
  o.connect.statement_timeout = 200ms;
  Pool pool(loop.io.get_executor(), o);
  std::string sqlstate;
  bool lost = true;
  Clock::duration took{};
  std::string after;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto t0 = Clock::now();
    try {
      co_await db.query("SELECT pg_sleep(3)");
      ADD_FAILURE() << "statement_timeout was not applied";
    } catch (const DbError& e) {
      sqlstate = e.sqlstate();
      lost = e.connection_lost();
    }
    took = Clock::now() - t0;
    auto r = co_await db.query("SELECT current_setting('statement_timeout')");
    after = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(sqlstate, "57014");
  EXPECT_FALSE(lost);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(after, "200ms");
  EXPECT_EQ(pool.stats().connects, 1u) << "a cancelled statement must not cost the connection";
}

TEST(PoolTest, ApplicationNameDefaultsAndTheUrlOverrides) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool plain(loop.io.get_executor(), options(scratch.url(), 1));
  Pool custom(loop.io.get_executor(), options(scratch.url() + "?application_name=custom_app", 1));
  std::string a, b;
  loop.spawn([&]() -> Task<void> {
    Db db1(plain, nullptr);
    auto r1 = co_await db1.query("SELECT current_setting('application_name')");
    a = std::string(r1.get(0, 0));
    Db db2(custom, nullptr);
    auto r2 = co_await db2.query("SELECT current_setting('application_name')");
    b = std::string(r2.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(a, "wighaven");
  EXPECT_EQ(b, "custom_app");
}

TEST(PoolTest, NullAndTextParametersRoundTrip) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  bool was_null = false;
  std::string text, number, flag;
  long affected = -1;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    Params p1{std::nullopt, std::string("caf\xC3\xA9 \"q\" '1'"), 12345678901LL, true};
    auto r = co_await db.query("SELECT $1::text, $2::text, $3::bigint, $4::boolean", std::move(p1));
    was_null = r.is_null(0, 0);
    text = std::string(r.get(0, 1));
    number = std::to_string(r.get_int(0, 2));
    flag = r.get_bool(0, 3) ? "t" : "f";
    co_await db.query("CREATE TABLE param_probe (v int)");
    auto ins = co_await db.query("INSERT INTO param_probe SELECT generate_series(1, 3)");
    affected = ins.affected();
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_TRUE(was_null);
  EXPECT_EQ(text, "caf\xC3\xA9 \"q\" '1'");
  EXPECT_EQ(number, "12345678901");
  EXPECT_EQ(flag, "t");
  EXPECT_EQ(affected, 3);
}

constexpr const char* kRepeated = "SELECT 1";
constexpr const char* kOnce = "SELECT 2";
constexpr const char* kPipeA = "SELECT 3";
constexpr const char* kPipeB = "SELECT 4";

TEST(PoolTest, QueryStatsCountStatementsAndRepeats) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  QueryStats stats;
  QueryStats after_queries;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, &stats);
    for (int i = 0; i < 3; ++i) co_await db.query(kRepeated);
    co_await db.query(kOnce);
    after_queries = stats;
    std::vector<Statement> st;
    st.push_back({kPipeA, {}});
    st.push_back({kPipeB, {}});
    co_await db.pipeline(std::move(st));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(after_queries.statements, 4);
  EXPECT_EQ(after_queries.round_trips, 4);
  EXPECT_EQ(after_queries.max_repeat, 3);
  EXPECT_EQ(stats.statements, 6);
  EXPECT_EQ(stats.round_trips, 5);
  EXPECT_EQ(stats.max_repeat, 3);
  EXPECT_GT(stats.db_us, 0);
  EXPECT_GE(stats.wait_us, 0);
}

TEST(PoolTest, QueryStatsTransactionCountsBeginAndCommit) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  QueryStats stats;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, &stats);
    std::function<Task<void>(Tx&)> body = [](Tx& tx) -> Task<void> { co_await tx.query("SELECT 1"); };
    co_await db.transaction(body);
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(stats.statements, 3);  // BEGIN, SELECT, COMMIT
  EXPECT_EQ(stats.round_trips, 3);
}

TEST(QueryStatsTest, RecordKeysOnTheStatementText) {
  QueryStats s;
  const char* a = "SELECT a";
  const char* b = "SELECT b";
  s.record(a, 10, 1);
  s.record(b, 20, 2);
  s.record(a, 30, 3);
  EXPECT_EQ(s.statements, 3);
  EXPECT_EQ(s.db_us, 60);
  EXPECT_EQ(s.wait_us, 6);
  EXPECT_EQ(s.max_repeat, 2);
  EXPECT_EQ(s.round_trips, 0) << "record() counts statements; round trips are the caller's";
}

}  // namespace
}  // namespace wh::db
