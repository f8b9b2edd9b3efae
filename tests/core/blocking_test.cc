// BlockingPool's bounded queue: beyond `threads + max_waiting` admitted jobs,
// run() refuses at once (Busy) instead of queueing without bound, and a
// finished or refused job gives its place back.
#include "core/blocking.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <thread>

namespace wh {
namespace {

TEST(BlockingPoolTest, FullQueueRefusesAtOnceAndRecovers) {
  BlockingPool pool(1, 1);  // one running, one waiting
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  boost::asio::io_context io;
  auto blocker = [gate] { gate.wait(); };
  auto f1 = boost::asio::co_spawn(io, pool.run(blocker), boost::asio::use_future);
  auto f2 = boost::asio::co_spawn(io, pool.run(blocker), boost::asio::use_future);
  EXPECT_EQ(pool.in_flight(), 2u);
  EXPECT_THROW(pool.run([] {}), BlockingPool::Busy);
  EXPECT_EQ(pool.in_flight(), 2u) << "a refused job must not take a place";
  std::thread runner([&] { io.run(); });
  release.set_value();
  f1.get();
  f2.get();
  runner.join();
  EXPECT_EQ(pool.in_flight(), 0u);
  // Room again.
  bool ran = false;
  io.restart();
  auto f3 = boost::asio::co_spawn(io, pool.run([&] { ran = true; }), boost::asio::use_future);
  io.run();
  f3.get();
  EXPECT_TRUE(ran);
}

TEST(BlockingPoolTest, AJobNeverStartedGivesItsPlaceBack) {
  BlockingPool pool(1, 0);
  {
    auto job = pool.run([] {});
    EXPECT_EQ(pool.in_flight(), 1u);
  }  // dropped unawaited
  EXPECT_EQ(pool.in_flight(), 0u);
}

}  // namespace
}  // namespace wh
