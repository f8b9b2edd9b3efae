// The background workers' lease against a real database: one holder at a
// time, renewal without statements in between, takeover after expiry, release
// on shutdown, and no transaction left open while the lease is held.
#include "db/worker_lease.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

#include "db/pool.h"
#include "support/test_env.h"

namespace wh::db {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class WorkerLeaseTest : public ::testing::Test {
 protected:
  WorkerLeaseTest() : pool_(io_.get_executor(), options()) {}

  PoolOptions options() {
    PoolOptions o;
    o.connect.url = scratch_.url();
    o.size = 2;
    return o;
  }
  // Runs `task` on the test's io_context until it finishes.
  template <typename T>
  T run(Task<T> task) {
    auto done = asio::co_spawn(io_, std::move(task), asio::use_future);
    io_.restart();
    while (done.wait_for(0s) != std::future_status::ready) io_.run_one_for(10ms);
    return done.get();
  }
  std::string holder() { return test::sql(scratch_.name(), "SELECT owner FROM wh_leases WHERE name = 'job'"); }

  test::ScratchDb scratch_;
  asio::io_context io_;
  Pool pool_;
};

TEST_F(WorkerLeaseTest, OneHolderAtATimeRenewingWithoutExtraStatements) {
  WorkerLease a(pool_, "job", "a", 5s), b(pool_, "job", "b", 5s);
  EXPECT_TRUE(run(a.acquire()));
  EXPECT_TRUE(a.held());
  EXPECT_FALSE(run(b.acquire()));
  EXPECT_FALSE(b.held());
  EXPECT_EQ(holder(), "a");
  auto statements = pool_.stats().acquired;
  EXPECT_TRUE(run(a.keep()));
  EXPECT_EQ(pool_.stats().acquired, statements) << "keep() before ttl/3 runs no statement";
  EXPECT_TRUE(run(a.acquire())) << "the holder renews";
  EXPECT_EQ(test::sql(scratch_.name(),
                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                      " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"),
            "0")
      << "no transaction is held with the lease";
}

TEST_F(WorkerLeaseTest, AnotherInstanceTakesOverAfterExpiry) {
  WorkerLease a(pool_, "job", "a", 400ms), b(pool_, "job", "b", 400ms);
  ASSERT_TRUE(run(a.acquire()));
  EXPECT_FALSE(run(b.acquire()));
  std::this_thread::sleep_for(450ms);  // a stopped renewing (crashed)
  EXPECT_FALSE(a.held()) << "the holder stops trusting it before it expires";
  EXPECT_TRUE(run(b.acquire()));
  EXPECT_EQ(holder(), "b");
  EXPECT_FALSE(run(a.keep())) << "the old holder finds it taken";
}

TEST_F(WorkerLeaseTest, ReleaseLetsAnotherTakeOverAtOnce) {
  WorkerLease a(pool_, "job", "a", 30s), b(pool_, "job", "b", 30s), other(pool_, "other-job", "b", 30s);
  ASSERT_TRUE(run(a.acquire()));
  EXPECT_TRUE(run(other.acquire())) << "leases are per name";
  run(a.release());
  EXPECT_FALSE(a.held());
  EXPECT_TRUE(run(b.acquire()));
  EXPECT_EQ(holder(), "b");
  run(a.release());  // not the holder: changes nothing
  EXPECT_FALSE(run(a.acquire()));
}

}  // namespace
}  // namespace wh::db
