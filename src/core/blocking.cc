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

Task<void> BlockingPool::run(std::function<void()> fn) {
  co_await boost::asio::co_spawn(
      impl_->pool,
      [f = std::move(fn)]() -> Task<void> {
        f();
        co_return;
      },
      boost::asio::use_awaitable);
}

}  // namespace wh
