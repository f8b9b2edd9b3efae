#include "core/blocking.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wh {

struct BlockingPool::Impl {
  Impl(int threads, std::size_t max_waiting)
      : pool(static_cast<std::size_t>(threads)), limit(static_cast<std::size_t>(threads) + max_waiting) {}
  boost::asio::thread_pool pool;
  std::size_t limit;
  std::atomic<std::size_t> admitted{0};
};

namespace {

// One admitted job: gives its place back when destroyed, whether the job ran
// or its (lazy) coroutine was dropped unstarted.
class Slot {
 public:
  explicit Slot(std::atomic<std::size_t>* count) : count_(count) {}
  Slot(Slot&& other) noexcept : count_(other.count_) { other.count_ = nullptr; }
  Slot& operator=(Slot&&) = delete;
  ~Slot() {
    if (count_ != nullptr) count_->fetch_sub(1);
  }

 private:
  std::atomic<std::size_t>* count_;
};

Task<void> call(Slot slot, std::function<void()> fn) {
  Slot held(std::move(slot));
  fn();
  co_return;
}

}  // namespace

BlockingPool::BlockingPool(int threads, std::size_t max_waiting)
    : impl_(std::make_unique<Impl>(threads, max_waiting)) {}

BlockingPool::~BlockingPool() { impl_->pool.join(); }

std::size_t BlockingPool::in_flight() const { return impl_->admitted.load(); }

// Not a coroutine itself: g++ 12 destroys a lambda capture moved from a
// coroutine parameter twice when it is built inside a co_await expression.
// Being a plain function also lets it throw Busy before anything suspends.
Task<void> BlockingPool::run(std::function<void()> fn) {
  auto n = impl_->admitted.load();
  do {
    if (n >= impl_->limit) throw Busy();
  } while (!impl_->admitted.compare_exchange_weak(n, n + 1));
  Slot slot(&impl_->admitted);
  return boost::asio::co_spawn(impl_->pool, call(std::move(slot), std::move(fn)), boost::asio::use_awaitable);
}

}  // namespace wh
