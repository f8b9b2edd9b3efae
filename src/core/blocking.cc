#include "core/blocking.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wh {

struct BlockingPool::Impl {
  explicit Impl(int threads) : pool(static_cast<std::size_t>(threads)) {}
  boost::asio::thread_pool pool;
};

BlockingPool::BlockingPool(int threads) : impl_(std::make_unique<Impl>(threads)) {}

BlockingPool::~BlockingPool() { impl_->pool.join(); }

namespace {
Task<void> call(std::function<void()> fn) {
  fn();
  co_return;
}
}  // namespace

// Not a coroutine itself: g++ 12 destroys a lambda capture moved from a
// coroutine parameter twice when it is built inside a co_await expression.
Task<void> BlockingPool::run(std::function<void()> fn) {
  return boost::asio::co_spawn(impl_->pool, call(std::move(fn)), boost::asio::use_awaitable);
}

}  // namespace wh
