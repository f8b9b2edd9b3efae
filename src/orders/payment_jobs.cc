#include "orders/payment_jobs.h"

#include "core/log.h"
#include "db/db.h"
#include "orders/payment_apply.h"
#include "orders/reservations.h"
#include "payments/paystack_client.h"

namespace wh::orders {

namespace {

struct Unpaid {
  std::string id;
  std::string reference;
};

// Pending/pending orders created between `max_age` and `min_age` ago.
Task<std::vector<Unpaid>> unpaid(web::Services& services, std::chrono::minutes min_age,
                                 std::optional<std::chrono::minutes> max_age, int limit) {
  constexpr const char* kSql =
      "SELECT id, COALESCE(paystack_reference, '') FROM orders WHERE status = 'pending' AND payment_status = 'pending'"
      " AND created_at < " WH_SQL_NOW
      " - make_interval(mins => $1::int)"
      " AND ($2::int IS NULL OR created_at > " WH_SQL_NOW
      " - make_interval(mins => $2::int))"
      " ORDER BY created_at, id LIMIT $3";
  std::optional<int> max_minutes;
  if (max_age) max_minutes = static_cast<int>(max_age->count());
  db::Db db(*services.pool, nullptr, db::Priority::background);
  db::Params params{static_cast<int>(min_age.count()), max_minutes, limit};
  auto r = co_await db.query(kSql, std::move(params));
  std::vector<Unpaid> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(Unpaid{std::string(r.get(i, 0)), std::string(r.get(i, 1))});
  co_return out;
}

}  // namespace

Task<int> verify_pending_payments(web::Services& services, int limit, std::chrono::minutes min_age,
                                  std::chrono::minutes max_age) {
  auto& paystack = services.get<payments::PaystackClient>();
  int settled = 0;
  auto orders = co_await unpaid(services, min_age, max_age, limit);
  for (const auto& o : orders) {
    if (o.reference.empty()) continue;
    auto v = co_await paystack.verify(o.reference);
    auto report = report_of(v, o.reference, "job");
    if (!report) continue;
    auto r = co_await apply_payment(services, *report, db::Priority::background);
    if (r.applied != Applied::already_settled && r.applied != Applied::ignored) ++settled;
  }
  if (!orders.empty()) log::info("payment verification", {{"checked", orders.size()}, {"settled", settled}});
  co_return settled;
}

Task<int> cancel_unpaid_orders(web::Services& services, std::chrono::minutes older_than, int limit) {
  auto& paystack = services.get<payments::PaystackClient>();
  int cancelled = 0;
  auto orders = co_await unpaid(services, older_than, std::nullopt, limit);
  for (const auto& o : orders) {
    if (!o.reference.empty()) {
      auto v = co_await paystack.verify(o.reference);
      if (v.verdict == payments::Verdict::unknown) continue;
      if (v.verdict == payments::Verdict::success) {
        if (auto report = report_of(v, o.reference, "job"))
          co_await apply_payment(services, *report, db::Priority::background);
        continue;
      }
    }
    auto products =
        co_await release_order(db::Db(*services.pool, nullptr, db::Priority::background), o.id, "cancelled", "failed");
    invalidate_stock(services, products);
    if (!products.empty()) ++cancelled;
  }
  if (!orders.empty()) log::info("unpaid order cancellation", {{"checked", orders.size()}, {"cancelled", cancelled}});
  co_return cancelled;
}

}  // namespace wh::orders
