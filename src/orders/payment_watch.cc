#include "orders/payment_watch.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wh::orders {

namespace asio = boost::asio;

struct PaymentWatch::Waiter {
  explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  bool changed = false;  // touched on the timer's executor only
};

namespace {

void wake(const std::shared_ptr<PaymentWatch::Waiter>& w) {
  asio::post(w->timer.get_executor(), [w] {
    w->changed = true;
    w->timer.cancel();
  });
}

}  // namespace

PaymentWatch::Subscription::Subscription(PaymentWatch& watch, std::string order_id, asio::any_io_executor ex)
    : watch_(watch), order_id_(std::move(order_id)), waiter_(std::make_shared<Waiter>(std::move(ex))) {
  std::lock_guard lock(watch_.mu_);
  watch_.waiters_.emplace(order_id_, waiter_);
}

PaymentWatch::Subscription::~Subscription() {
  std::lock_guard lock(watch_.mu_);
  auto [begin, end] = watch_.waiters_.equal_range(order_id_);
  for (auto it = begin; it != end; ++it) {
    if (it->second == waiter_) {
      watch_.waiters_.erase(it);
      break;
    }
  }
}

Task<bool> PaymentWatch::Subscription::wait(std::chrono::milliseconds timeout) {
  if (!waiter_->changed && !watch_.closed()) {
    waiter_->timer.expires_after(timeout);
    co_await waiter_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  bool changed = waiter_->changed;
  waiter_->changed = false;
  co_return changed;
}

void PaymentWatch::notify(const std::string& order_id) {
  std::lock_guard lock(mu_);
  auto [begin, end] = waiters_.equal_range(order_id);
  for (auto it = begin; it != end; ++it) wake(it->second);
}

void PaymentWatch::notify_all() {
  std::lock_guard lock(mu_);
  for (const auto& [id, w] : waiters_) wake(w);
}

void PaymentWatch::close() {
  closed_ = true;
  notify_all();
}

std::size_t PaymentWatch::subscribers() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace wh::orders
