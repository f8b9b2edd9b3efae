// The real Pool / Db / Connection on an io_context against a scratch database.
#include "db/pool.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "db/db.h"
#include "support/coroutine_loop.h"
#include "support/http_client.h"
#include "support/locked_table.h"
#include "support/test_env.h"

namespace wh::db {
namespace {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using Loop = test::CoroutineLoop;
using test::describe;

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
    while (done + static_cast<int>(loop.error_count()) < kRequests && Clock::now() < until) {
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

// Background work (the queue workers) waits ahead of requests, first come
// first served among itself, so a flood of requests cannot starve it.
TEST(PoolTest, BackgroundWaitersAreServedBeforeRequests) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::vector<std::string> order;
  auto run = [&](std::string name, Priority priority) {
    loop.spawn([&, name, priority]() -> Task<void> {
      Db db(pool, nullptr, priority);
      co_await db.query("SELECT pg_sleep(0.02)");
      order.push_back(name);
    });
  };
  run("request-0", Priority::request);  // takes the connection; the rest queue in this order
  run("request-1", Priority::request);
  run("request-2", Priority::request);
  run("worker-a", Priority::background);
  run("request-3", Priority::request);
  run("worker-b", Priority::background);
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(order,
            (std::vector<std::string>{"request-0", "worker-a", "worker-b", "request-1", "request-2", "request-3"}));
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

TEST(PoolTest, WriteOnAConnectionFoundClosedRunsOnAFreshOne) {
  // The server closed the idle connection before the write was sent: the
  // write cannot have run, so it goes to a new connection instead of 503.
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE lost_probe (v int)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string after;
  std::string pid1, pid2;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto r1 = co_await db.query("SELECT pg_backend_pid()");
    pid1 = std::string(r1.get(0, 0));
    test::sql("postgres", "SELECT pg_terminate_backend(" + pid1 + ")");
    wait_backend_gone(pid1);
    co_await db.query("INSERT INTO lost_probe VALUES (1)");
    auto r2 = co_await db.query("SELECT count(*), pg_backend_pid() FROM lost_probe");
    after = std::string(r2.get(0, 0));
    pid2 = std::string(r2.get(0, 1));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(after, "1");
  EXPECT_NE(pid1, pid2);
  EXPECT_EQ(pool.stats().connects, 2u);
  EXPECT_EQ(pool.stats().discarded, 1u);
}

// Terminates every backend of `db` but the caller's; returns how many.
int terminate_all(const std::string& db) {
  return std::stoi(test::sql(db,
                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             " WHERE datname = current_database() AND pid <> pg_backend_pid()"));
}

// Blocks until `db` has no backend besides the caller's.
void wait_all_gone(const std::string& db) {
  for (int i = 0; i < 300; ++i) {
    if (count(db,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
              " AND pid <> pg_backend_pid()") == 0) {
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "backends of " << db << " are still running";
}

// Waits (from another thread) until a statement starting with `prefix` is
// running on `db`, then terminates every backend of `db`. False if it never ran.
bool terminate_when_running(const std::string& db, const std::string& prefix) {
  for (int i = 0; i < 500; ++i) {
    if (count(db,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
              " AND pid <> pg_backend_pid() AND query LIKE '" +
                  prefix + "%'") > 0) {
      terminate_all(db);
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(PoolTest, WriteLostInFlightIs503AndNotRetried) {
  // The connection died while the write was running: it may have had
  // effects (here: a sequence, which no rollback undoes), so it must not
  // be sent again.
  test::ScratchDb scratch(false);
  test::sql(scratch.name(),
            "CREATE SEQUENCE write_runs; CREATE TABLE lost_probe (v bigint);"
            " CREATE FUNCTION slow_value() RETURNS bigint LANGUAGE plpgsql AS $$"
            " DECLARE n bigint := nextval('write_runs'); BEGIN PERFORM pg_sleep(3); RETURN n; END $$");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 2));
  int status = 0;
  std::thread killer;
  bool killed = false;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    co_await db.query("SELECT 1");
    killer = std::thread([&] { killed = terminate_when_running(scratch.name(), "INSERT INTO lost_probe"); });
    try {
      co_await db.query("INSERT INTO lost_probe SELECT slow_value()");
      ADD_FAILURE() << "the write on a terminated connection succeeded";
    } catch (const ApiError& e) {
      status = e.status();
    }
  });
  loop.run();
  if (killer.joinable()) killer.join();
  loop.expect_no_errors();
  EXPECT_TRUE(killed) << "the write never started";
  EXPECT_EQ(status, 503);
  EXPECT_EQ(test::sql(scratch.name(), "SELECT last_value FROM write_runs"), "1") << "the write was sent twice";
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM lost_probe"), "0");
}

TEST(PoolTest, ReadLostInFlightIsRetriedOnAFreshConnection) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 2));
  std::set<std::string> before;
  std::string answered_by;
  std::thread killer;
  bool killed = false;
  loop.spawn([&]() -> Task<void> {
    // Two connections, both idle afterwards.
    Lease a = co_await pool.acquire();
    Lease b = co_await pool.acquire();
    for (Lease* l : {&a, &b}) {
      Params none;
      auto r = co_await (*l)->exec("SELECT pg_backend_pid()", none, 5s);
      before.insert(std::string(r.get(0, 0)));
    }
  });
  loop.run();
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    killer = std::thread([&] { killed = terminate_when_running(scratch.name(), "SELECT pg_backend_pid() FROM"); });
    auto r = co_await db.query("SELECT pg_backend_pid() FROM pg_sleep(1)");
    answered_by = std::string(r.get(0, 0));
  });
  loop.run();
  if (killer.joinable()) killer.join();
  loop.expect_no_errors();
  EXPECT_TRUE(killed);
  EXPECT_EQ(before.size(), 2u);
  EXPECT_FALSE(answered_by.empty());
  EXPECT_EQ(before.count(answered_by), 0u) << "the retry ran on a connection from before the termination";
  EXPECT_EQ(pool.stats().connects, 3u);
}

TEST(PoolTest, AfterTheDatabaseTerminatesEveryConnectionReadsAndWritesSucceed) {
  // Several connections, connect retries on, three threads: the database
  // (a restart, a pooler, Neon suspending) closes every connection; the
  // next 10 reads and 3 writes all succeed, none answers 503.
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE writes (v int)");
  Loop loop;
  auto o = options(scratch.url(), 4);
  o.connect_retries = 3;
  Pool pool(loop.io.get_executor(), o);
  std::mutex mu;
  std::set<std::string> warm_pids, later_pids;
  for (int i = 0; i < 4; ++i) {
    loop.spawn([&]() -> Task<void> {
      Db db(pool, nullptr);
      auto r = co_await db.query("SELECT pg_backend_pid() FROM pg_sleep(0.1)");
      std::lock_guard lock(mu);
      warm_pids.insert(std::string(r.get(0, 0)));
    });
  }
  loop.run(30s, 3);
  loop.expect_no_errors();
  ASSERT_EQ(pool.stats().idle, 4);
  ASSERT_EQ(warm_pids.size(), 4u);

  EXPECT_EQ(terminate_all(scratch.name()), 4);
  wait_all_gone(scratch.name());

  std::atomic<int> reads{0}, writes{0};
  for (int i = 0; i < 13; ++i) {
    loop.spawn([&, i]() -> Task<void> {
      Db db(pool, nullptr);
      if (i % 4 == 3) {
        Params p{Param(i)};
        co_await db.query("INSERT INTO writes VALUES ($1::int)", std::move(p));
        ++writes;
      } else {
        auto r = co_await db.query("SELECT pg_backend_pid()");
        std::lock_guard lock(mu);
        later_pids.insert(std::string(r.get(0, 0)));
        ++reads;
      }
    });
  }
  loop.run(30s, 3);
  loop.expect_no_errors();
  EXPECT_EQ(reads.load(), 10);
  EXPECT_EQ(writes.load(), 3);
  EXPECT_EQ(test::sql(scratch.name(), "SELECT string_agg(v::text, ',' ORDER BY v) FROM writes"), "3,7,11");
  for (const auto& p : later_pids) EXPECT_EQ(warm_pids.count(p), 0u) << "a terminated backend answered";
  auto s = pool.stats();
  // Every terminated connection was dropped. Under a loaded machine a
  // replacement may be dropped too (rarely 5), which costs nothing here.
  EXPECT_GE(s.discarded, 4u);
  EXPECT_LE(s.discarded, 8u);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.connect_failures, 0u);
  EXPECT_LE(s.open, 4);
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

// The plan of a statement is made once per connection: one prepared
// statement per text, executed as often as it was called; transaction
// control is never prepared.
TEST(PoolTest, StatementsArePreparedOncePerConnectionAndReused) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string summary;
  std::string begins;
  std::vector<std::string> sums;
  constexpr const char* kAdd = "SELECT $1::int + 1";
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    for (int i = 0; i < 3; ++i) {
      Params p{Param(i)};
      auto r = co_await db.query(kAdd, std::move(p));
      sums.emplace_back(r.get(0, 0));
    }
    std::vector<Statement> st;
    st.push_back({kAdd, {Param(10)}});
    st.push_back({kAdd, {Param(20)}});
    auto rs = co_await db.pipeline(std::move(st));
    for (const auto& r : rs) sums.emplace_back(r.get(0, 0));
    std::function<Task<void>(Tx&)> body = [&](Tx& tx) -> Task<void> {
      Params p{Param(100)};
      auto r = co_await tx.query(kAdd, std::move(p));
      sums.emplace_back(r.get(0, 0));
    };
    co_await db.transaction(body);
    Params text{std::string(kAdd)};
    auto r = co_await db.query(
        "SELECT count(*) || ':' || sum(generic_plans + custom_plans) FROM pg_prepared_statements WHERE statement = $1",
        std::move(text));
    summary = std::string(r.get(0, 0));
    auto b = co_await db.query(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement ILIKE 'begin%' OR statement ILIKE 'commit%'");
    begins = std::string(b.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(sums, (std::vector<std::string>{"1", "2", "3", "11", "21", "101"}));
  EXPECT_EQ(summary, "1:6") << "one prepared statement, run six times";
  EXPECT_EQ(begins, "0");
  EXPECT_EQ(pool.stats().connects, 1u);
}

// Off by configuration (DB_PREPARED_STATEMENTS=false): nothing is prepared.
TEST(PoolTest, PreparingCanBeTurnedOff) {
  test::ScratchDb scratch(false);
  Loop loop;
  auto o = options(scratch.url(), 1);
  o.connect.prepare_statements = false;
  Pool pool(loop.io.get_executor(), o);
  std::string prepared;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    for (int i = 0; i < 3; ++i) co_await db.query("SELECT 1 + 1");
    auto r = co_await db.query("SELECT count(*) FROM pg_prepared_statements");
    prepared = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(prepared, "0");
}

// A server that loses a prepared statement (what a pooler without support
// for them does): that call fails, its connection is replaced and nothing is
// prepared any more, so every later call works.
TEST(PoolTest, AStatementTheServerLostTurnsPreparingOff) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string lost;
  std::vector<std::string> after;
  std::string prepared_after;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    co_await db.query("SELECT 40 + 2");
    co_await db.query("DEALLOCATE ALL");
    try {
      co_await db.query("SELECT 40 + 2");
    } catch (const DbError& e) {
      lost = e.sqlstate();
    }
    for (int i = 0; i < 2; ++i) {
      auto r = co_await db.query("SELECT 40 + 2");
      after.emplace_back(r.get(0, 0));
    }
    auto r = co_await db.query("SELECT count(*) FROM pg_prepared_statements");
    prepared_after = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(lost, "26000");
  EXPECT_EQ(after, (std::vector<std::string>{"42", "42"}));
  EXPECT_EQ(prepared_after, "0");
  EXPECT_EQ(pool.stats().discarded, 1u);
}

// A statement that fails to prepare is not remembered: once its table exists
// it runs (a remembered name would fail with 26000).
TEST(PoolTest, AStatementThatFailedToPrepareRunsOnceItCan) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string first_error;
  std::string later;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    try {
      co_await db.query("SELECT count(*) FROM appears_later");
    } catch (const DbError& e) {
      first_error = e.sqlstate();
    }
    test::sql(scratch.name(), "CREATE TABLE appears_later (v int); INSERT INTO appears_later VALUES (1), (2)");
    auto r = co_await db.query("SELECT count(*) FROM appears_later");
    later = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(first_error, "42P01");
  EXPECT_EQ(later, "2");
  EXPECT_EQ(pool.stats().discarded, 0u);
}

// Another client changes a table under a prepared statement so that its
// result type changes: that call fails, the connection is replaced, and the
// next call prepares afresh and sees the new column.
TEST(PoolTest, AResultTypeChangedByDdlReplacesTheConnection) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE shape (a int); INSERT INTO shape VALUES (1)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  int columns_before = 0;
  int columns_after = 0;
  std::string changed_error;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto before = co_await db.query("SELECT * FROM shape");
    columns_before = before.cols();
    test::sql(scratch.name(), "ALTER TABLE shape ADD COLUMN b int DEFAULT 2");
    try {
      co_await db.query("SELECT * FROM shape");
    } catch (const DbError& e) {
      changed_error = e.sqlstate();
    }
    auto after = co_await db.query("SELECT * FROM shape");
    columns_after = after.cols();
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(columns_before, 1);
  EXPECT_EQ(changed_error, "0A000");
  EXPECT_EQ(columns_after, 2);
  EXPECT_EQ(pool.stats().discarded, 1u);
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
  std::string jit;
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
    auto r = co_await db.query("SELECT current_setting('statement_timeout'), current_setting('jit')");
    after = std::string(r.get(0, 0));
    jit = std::string(r.get(0, 1));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(sqlstate, "57014");
  EXPECT_FALSE(lost);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(after, "200ms");
  EXPECT_EQ(jit, "off") << "sent with the statement timeout";
  EXPECT_EQ(pool.stats().connects, 1u) << "a cancelled statement must not cost the connection";
}

TEST(PoolTest, ApplicationNameDefaultsAndTheUrlOverrides) {
  test::ScratchDb scratch(false);
  Loop loop;
  Pool plain(loop.io.get_executor(), options(scratch.url(), 1));
  // A URL, or the bridge's conninfo when the run goes through the WebSocket transport.
  const std::string url = scratch.url();
  const bool is_url = url.rfind("postgresql://", 0) == 0;
  Pool custom(loop.io.get_executor(),
              options(url + (is_url ? "?application_name=custom_app" : " application_name=custom_app"), 1));
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
    Lease held = co_await pool.acquire();
    co_await sleep_for(150ms);
  });
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
  // The first statement queued behind the holder below for about 150 ms.
  EXPECT_GE(stats.wait_us, 100'000);
  EXPECT_LT(stats.wait_us, 5'000'000);
  EXPECT_EQ(pool.stats().waited, 1u);
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
  EXPECT_EQ(stats.statements, 3);   // BEGIN, SELECT, COMMIT
  EXPECT_EQ(stats.round_trips, 2);  // BEGIN travels with the SELECT
}

TEST(PoolTest, TransactionEndingInQueryAndCommitIsTwoRoundTripsAndCommits) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE commit_probe (v int)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  QueryStats stats;
  QueryStats idle_body;
  std::string status_after;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, &stats);
    std::function<Task<void>(Tx&)> body = [](Tx& tx) -> Task<void> {
      co_await tx.query("SELECT count(*) FROM commit_probe");
      co_await tx.query_and_commit("INSERT INTO commit_probe VALUES (1)");
    };
    co_await db.transaction(body);
    // The connection went back to the pool outside any transaction.
    status_after = test::sql(scratch.name(),
                             "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                             " AND state LIKE 'idle in transaction%'");
    co_await db.query("SELECT 1");
    Db quiet(pool, &idle_body);
    std::function<Task<void>(Tx&)> nothing = [](Tx&) -> Task<void> { co_return; };
    co_await quiet.transaction(nothing);
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(test::sql(scratch.name(), "SELECT count(*) FROM commit_probe"), "1");
  EXPECT_EQ(status_after, "0") << "no connection is left inside the transaction";
  EXPECT_EQ(stats.statements, 5);   // BEGIN, SELECT, INSERT, COMMIT; then the check
  EXPECT_EQ(stats.round_trips, 3);  // [BEGIN, SELECT] [INSERT, COMMIT] [check]
  EXPECT_EQ(idle_body.statements, 0) << "a body that sends nothing sends no BEGIN or COMMIT";
}

TEST(PoolTest, TransactionFailingInItsCommitRoundTripRollsBack) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE rollback_probe (v int PRIMARY KEY)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string after;
  bool threw = false;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    std::function<Task<void>(Tx&)> body = [](Tx& tx) -> Task<void> {
      co_await tx.query("INSERT INTO rollback_probe VALUES (1)");
      co_await tx.query_and_commit("INSERT INTO rollback_probe VALUES (1)");  // duplicate key
    };
    try {
      co_await db.transaction(body);
    } catch (const DbError&) {
      threw = true;
    }
    auto r = co_await db.query("SELECT count(*) FROM rollback_probe");
    after = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_TRUE(threw);
  EXPECT_EQ(after, "0") << "the first insert was rolled back with the failed commit round trip";
}

TEST(PoolTest, TransactionOnAConnectionFoundClosedRunsOnAFreshOne) {
  test::ScratchDb scratch(false);
  test::sql(scratch.name(), "CREATE TABLE tx_lost_probe (v int)");
  Loop loop;
  Pool pool(loop.io.get_executor(), options(scratch.url(), 1));
  std::string pid1;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto r1 = co_await db.query("SELECT pg_backend_pid()");
    pid1 = std::string(r1.get(0, 0));
    test::sql("postgres", "SELECT pg_terminate_backend(" + pid1 + ")");
    wait_backend_gone(pid1);
    std::function<Task<void>(Tx&)> body = [](Tx& tx) -> Task<void> {
      co_await tx.query("INSERT INTO tx_lost_probe VALUES (1)");
      co_await tx.query_and_commit("INSERT INTO tx_lost_probe VALUES (2)");
    };
    co_await db.transaction(body);
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(test::sql(scratch.name(), "SELECT string_agg(v::text, ',' ORDER BY v) FROM tx_lost_probe"), "1,2");
  EXPECT_EQ(pool.stats().discarded, 1u);
}

// A TCP port on loopback whose listen queue is never accepted: the kernel
// completes the handshake (for the backlog) and then nothing ever answers,
// like a database host that black-holes traffic.
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    socklen_t len = sizeof a;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }
  ~BlackHole() { ::close(fd_); }
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;
  std::string url() const { return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres"; }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

TEST(PoolTest, BlackHoledDatabaseIs503AtTheAcquireDeadline) {
  // Connect timeout 10 s and 4 retries would take about a minute; the
  // acquire deadline (800 ms) bounds all of it, for queued requests too.
  BlackHole hole;
  Loop loop;
  PoolOptions o;
  o.connect.url = hole.url();
  o.connect.connect_timeout = 10000ms;
  o.size = 2;
  o.acquire_timeout = 800ms;
  o.connect_retries = 4;
  Pool pool(loop.io.get_executor(), o);
  constexpr int kRequests = 4;
  std::vector<int> statuses(kRequests, 0);
  std::vector<Clock::duration> took(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    loop.spawn([&, i]() -> Task<void> {
      auto t0 = Clock::now();
      try {
        Db db(pool, nullptr);
        co_await db.query("SELECT 1");
        ADD_FAILURE() << "a black hole answered";
      } catch (const ApiError& e) {
        statuses[i] = e.status();
      }
      took[i] = Clock::now() - t0;
    });
  }
  auto t0 = Clock::now();
  loop.run(60s, 2);
  auto total = Clock::now() - t0;
  loop.expect_no_errors();
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(statuses[i], 503) << i;
    EXPECT_GE(took[i], 700ms) << i;
    EXPECT_LT(took[i], 800ms + 1500ms) << i << ": not bounded by acquire_timeout";
  }
  EXPECT_LT(total, 800ms + 1500ms);
  auto s = pool.stats();
  EXPECT_EQ(s.open, 0) << "a timed-out connect kept its slot";
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.connects, 0u);
  EXPECT_GE(s.connect_failures, 2u);
}

TEST(PoolTest, ExceptionsInsideLeasesGiveEverySlotBack) {
  test::ScratchDb scratch(false);
  Loop loop;
  auto o = options(scratch.url(), 3);
  o.acquire_timeout = 3000ms;
  Pool pool(loop.io.get_executor(), o);
  constexpr int kRequests = 24;
  std::atomic<int> thrown{0};
  for (int i = 0; i < kRequests; ++i) {
    loop.spawn([&, i]() -> Task<void> {
      try {
        if (i % 4 == 0) {  // a handler bug while holding a lease
          Lease lease = co_await pool.acquire();
          Params none;
          co_await lease->exec("SELECT 1", none, 5s);
          throw std::runtime_error("handler bug");
        } else if (i % 4 == 1) {  // an exception inside a transaction
          Db db(pool, nullptr);
          std::function<Task<void>(Tx&)> body = [](Tx& tx) -> Task<void> {
            co_await tx.query("SELECT 1");
            throw std::logic_error("in transaction");
          };
          co_await db.transaction(body);
        } else if (i % 4 == 2) {  // a failing statement
          Db db(pool, nullptr);
          co_await db.query("SELECT no_such_column FROM pg_class");
        } else {  // the connection dies under the lease
          Lease lease = co_await pool.acquire();
          Params none;
          co_await lease->exec("SELECT pg_terminate_backend(pg_backend_pid())", none, 5s);
        }
      } catch (const std::exception&) {
        ++thrown;
      }
    });
  }
  loop.run(30s, 3);
  loop.expect_no_errors();
  EXPECT_EQ(thrown.load(), kRequests);
  auto s = pool.stats();
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.open, s.idle) << "a slot is still counted as in use";
  EXPECT_LE(s.open, 3);
  EXPECT_EQ(s.timeouts, 0u);
  EXPECT_EQ(s.discarded, static_cast<std::uint64_t>(kRequests / 4)) << "the terminated connections";

  // Every slot is usable again: three leases at once, quickly.
  int held = 0;
  loop.spawn([&]() -> Task<void> {
    Lease a = co_await pool.acquire();
    Lease b = co_await pool.acquire();
    Lease c = co_await pool.acquire();
    Params none;
    for (Lease* l : {&a, &b, &c}) {
      co_await (*l)->exec("SELECT 1", none, 5s);
      ++held;
    }
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(held, 3);
  EXPECT_EQ(pool.stats().timeouts, 0u);
}

// True once a statement starting with `prefix` is running on `db`.
bool wait_running(const std::string& db, const std::string& prefix) {
  for (int i = 0; i < 500; ++i) {
    if (count(db,
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
              " AND pid <> pg_backend_pid() AND query LIKE '" +
                  prefix + "%'") > 0) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(PoolTest, DestroyingThePoolThenTheLoopWithQueriesInFlightIsClean) {
  // What App does on shutdown after the grace period: the loop stops with a
  // statement running and a request queued; the pool is destroyed, then the
  // loop, which destroys the suspended coroutines and their leases. (Under
  // ASan a lease reaching back into the destroyed pool aborts the test.)
  test::ScratchDb scratch(false);
  auto io = std::make_unique<asio::io_context>();
  auto pool = std::make_unique<Pool>(io->get_executor(), options(scratch.url(), 1));
  std::atomic<int> finished{0};
  Pool* p = pool.get();
  asio::co_spawn(
      *io,
      [p, &finished]() -> Task<void> {
        Db db(*p, nullptr);
        co_await db.query("SELECT pg_sleep(30)");
        ++finished;
      },
      asio::detached);
  asio::co_spawn(
      *io,
      [p, &finished]() -> Task<void> {
        Db db(*p, nullptr);
        co_await db.query("SELECT 1");
        ++finished;
      },
      asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&io] { io->run(); });
  EXPECT_TRUE(wait_running(scratch.name(), "SELECT pg_sleep(30)"));
  EXPECT_EQ(pool->stats().waiting, 1);
  io->stop();
  for (auto& t : threads) t.join();
  auto t0 = Clock::now();
  pool.reset();
  io.reset();
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_EQ(finished.load(), 0);
}

TEST(PoolShutdownTest, AppExitsCleanlyWithARequestStillInTheDatabaseAfterTheGracePeriod) {
  test::ScratchDb db;
  Config c = test::test_config(db.name());
  c.shutdown_grace = std::chrono::seconds(1);
  auto app = std::make_unique<test::RunningApp>(c);
  const unsigned short port = app->port();
  ASSERT_EQ(test::HttpClient(port).get("/api/products?limit=1").status, 200);

  test::LockedTable lock(db.name(), "products");
  std::thread request([port] {
    try {
      test::HttpClient(port).get("/api/products?limit=2");
    } catch (const std::exception&) {
      // The server closed the connection at the end of the grace period.
    }
  });
  EXPECT_TRUE(test::wait_for_lock_waiter(db.name())) << "the request never reached the database";
  auto t0 = Clock::now();
  app.reset();  // stop (the grace period passes) and destroy, statement still running
  auto took = Clock::now() - t0;
  request.join();
  EXPECT_GE(took, 900ms) << "the grace period was not given";
  EXPECT_LT(took, 5s);
}

TEST(PoolTest, ConnectsWhenLibpqMovesToAnotherSocket) {
  // Two hosts: the first refuses, so libpq closes its socket and opens a
  // new one (often with the same descriptor number) for the second. The
  // reactor must watch the new socket, or the connect hangs to its deadline.
  test::ScratchDb scratch(false);
  const char* port = std::getenv("WH_TEST_PG_PORT");
  ASSERT_NE(port, nullptr);
  Loop loop;
  auto o = options("postgresql://postgres@127.0.0.1:1,127.0.0.1:" + std::string(port) + "/" + scratch.name(), 1);
  o.acquire_timeout = 3000ms;
  Pool pool(loop.io.get_executor(), o);
  std::string value;
  Clock::duration took{};
  loop.spawn([&]() -> Task<void> {
    auto t0 = Clock::now();
    Db db(pool, nullptr);
    auto r = co_await db.query("SELECT current_database()");
    value = std::string(r.get(0, 0));
    took = Clock::now() - t0;
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(value, scratch.name());
  EXPECT_LT(took, 2s);
  EXPECT_EQ(pool.stats().connect_failures, 0u);
}

TEST(PoolTest, ConnectsThroughAHostName) {
  // "localhost" is resolved by the asynchronous resolver and handed to
  // libpq as hostaddr (one entry per address; 127.0.0.1 answers).
  test::ScratchDb scratch(false);
  const char* port = std::getenv("WH_TEST_PG_PORT");
  ASSERT_NE(port, nullptr);
  Loop loop;
  Pool pool(loop.io.get_executor(),
            options("postgresql://postgres@localhost:" + std::string(port) + "/" + scratch.name(), 1));
  std::string value;
  loop.spawn([&]() -> Task<void> {
    Db db(pool, nullptr);
    auto r = co_await db.query("SELECT current_database()");
    value = std::string(r.get(0, 0));
  });
  loop.run();
  loop.expect_no_errors();
  EXPECT_EQ(value, scratch.name());
}

TEST(HealthCacheTest, AFloodOfHealthChecksCostsAboutOneStatement) {
  test::ScratchDb db;
  test::RunningApp app(test::test_config(db.name()));
  const unsigned short port = app.port();
  std::atomic<int> ok{0}, statements{0};
  auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int t = 0; t < 10; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto r = test::HttpClient(port).get((t + i) % 2 ? "/api/health" : "/readyz");
        if (r.status == 200) ++ok;
        std::string n = r.header("x-db-statements");
        statements += n.empty() ? 1000 : std::stoi(n);  // a missing header fails the test
      }
    });
  }
  for (auto& c : clients) c.join();
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_GE(statements.load(), 1);
  // One probe per second at most (50 requests usually take well under one).
  EXPECT_LE(statements.load(), 1 + static_cast<int>(elapsed)) << "elapsed " << elapsed << " s";
  auto probes = app.app().services().pool->stats().health_probes;
  EXPECT_EQ(probes, static_cast<std::uint64_t>(statements.load()));

  // The result is kept for about a second, then checked again.
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(test::HttpClient(port).get("/api/health").statements(), 1);
  EXPECT_EQ(test::HttpClient(port).get("/readyz").statements(), 0);
}

TEST(HealthCacheTest, BlackHoledDatabaseAnswers503AtTheAcquireDeadline) {
  BlackHole hole;
  Config c = test::test_config("postgres");
  c.database_url = hole.url();
  c.db_acquire_timeout = 800ms;
  c.db_connect_timeout = 10000ms;
  c.db_connect_retries = 4;
  test::RunningApp app(c);
  test::HttpClient client(app.port());
  auto t0 = Clock::now();
  auto ready = client.get("/readyz");
  auto took = Clock::now() - t0;
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_LT(took, 800ms + 1500ms);
  t0 = Clock::now();
  auto products = client.get("/api/products");
  took = Clock::now() - t0;
  EXPECT_EQ(products.status, 503) << products.body;
  EXPECT_GE(took, 700ms);
  EXPECT_LT(took, 800ms + 1500ms);
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
