#include "orders/payment_followup.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.h"
#include "db/db.h"
#include "orders/payment_apply.h"
#include "orders/reservations.h"

namespace wh::orders {
namespace asio = boost::asio;
using payments::Verdict;

FollowUp follow(Verdict verdict, bool last_attempt) {
  switch (verdict) {
    case Verdict::success:
      return FollowUp::keep;
    case Verdict::failed:
      return FollowUp::release;
    case Verdict::not_found:
      return last_attempt ? FollowUp::release : FollowUp::ask_again;
    case Verdict::pending:
    case Verdict::unknown:
      break;
  }
  return FollowUp::ask_again;
}

Task<bool> apply_verdict(web::Services& services, const std::string& order_id, const std::string& reference,
                         const payments::VerifyOutcome& verify, bool last_attempt) {
  auto next = follow(verify.verdict, last_attempt);
  if (next == FollowUp::ask_again) co_return false;
  if (auto report = report_of(verify, reference, "verify")) {
    co_await apply_payment(services, *report, db::Priority::background);
  } else if (next == FollowUp::release) {
    auto products = co_await release_order(db::Db(*services.pool, nullptr, db::Priority::background), order_id,
                                           "pending", "failed");
    invalidate_stock(services, products);
  }
  co_return true;
}

namespace {

Task<void> run(web::Services& services, std::string order_id, std::string reference) {
  auto& paystack = services.get<payments::PaystackClient>();
  const int attempts = services.config.paystack_verify_attempts;
  auto wait = services.config.paystack_verify_retry;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 1; i <= attempts; ++i) {
    timer.expires_after(wait);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    wait *= 2;
    bool last = i == attempts;
    try {
      auto v = co_await paystack.verify(reference);
      bool settled = co_await apply_verdict(services, order_id, reference, v, last);
      if (settled) {
        log::info("charge outcome settled by verify", {{"reference", reference}, {"status", v.status}});
        co_return;
      }
    } catch (const std::exception& e) {
      log::warn("charge verify follow-up failed", {{"reference", reference}, {"error", e.what()}});
    }
  }
  log::warn("charge outcome still unknown after verifying; left to the webhook", {{"reference", reference}});
}

}  // namespace

Task<void> start_follow_up(web::Services& services, std::string order_id, std::string reference) {
  auto ex = co_await asio::this_coro::executor;
  asio::co_spawn(ex, run(services, std::move(order_id), std::move(reference)), asio::detached);
}

}  // namespace wh::orders
