#include "orders/payment_apply.h"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "accounts/mail_queue.h"
#include "core/ids.h"
#include "core/log.h"
#include "db/db.h"
#include "orders/reservations.h"
#include "payments/admin_alert.h"

namespace wh::orders {

namespace {

// Appends the text parameter $N to orders.notes on a line of its own.
#define WH_APPEND_NOTE(n) "notes = CASE WHEN COALESCE(notes, '') = '' THEN $" n " ELSE notes || E'\\n' || $" n " END"

constexpr const char* kLoadSql =
    "SELECT o.id, o.order_number, o.status, o.payment_status, round(o.total * 100)::bigint, o.customer_email,"
    " COALESCE(o.shipping_address->>'name', '') FROM orders o WHERE o.paystack_reference = $1";

constexpr const char* kLockOrderSql = "SELECT status, payment_status FROM orders WHERE id = $1 FOR UPDATE";

// The order's lines per variant, the variants locked (in id order, as the
// checkout locks them).
constexpr const char* kLockStockSql =
    "SELECT v.id, v.stock, v.reserved_stock, q.qty, q.name FROM (SELECT variant_id, sum(quantity)::int AS qty,"
    " min(product_name) AS name FROM order_items WHERE order_id = $1 GROUP BY variant_id) q"
    " JOIN variants v ON v.id = q.variant_id ORDER BY v.id FOR UPDATE OF v";

// The order paid, after its units were sold (units_sql, reservations.h):
// $2 = the order held its reservation (else the coupon use the release gave
// back is taken again), $3 the channel.
constexpr const char* kMarkPaidSql = R"(
WITH c AS (UPDATE discount_codes d SET used_count = d.used_count + 1, updated_at = )" WH_SQL_NOW R"(
           FROM orders o WHERE NOT $2::boolean AND o.id = $1 AND o.coupon_code IS NOT NULL
            AND upper(d.code) = upper(o.coupon_code) RETURNING d.id)
UPDATE orders SET status = 'processing', payment_status = 'paid', paid_at = )" WH_SQL_NOW R"(,
       payment_method = COALESCE(NULLIF($3, ''), payment_method), updated_at = )" WH_SQL_NOW R"(
 WHERE id = $1)";

// Paid for an order an operator already moved on (processing, shipped,
// delivered: its units already left the shelf, reservations.h): only the
// payment is recorded, the stock is not taken a second time.
constexpr const char* kPaidOnlySql =
    "UPDATE orders SET payment_status = 'paid', paid_at = " WH_SQL_NOW
    ", payment_method = COALESCE(NULLIF($2, ''), payment_method), updated_at = " WH_SQL_NOW " WHERE id = $1";

// Paid for stock that is gone: cancelled, refund_pending; a reservation
// still held ($2) is given back with its coupon use.
constexpr const char* kRefundPendingSql = R"(
WITH o AS (UPDATE orders SET status = 'cancelled', payment_status = 'refund_pending', )" WH_APPEND_NOTE("3") R"(,
             updated_at = )" WH_SQL_NOW R"( WHERE id = $1 RETURNING coupon_code),
q AS (SELECT variant_id, sum(quantity)::int AS qty FROM order_items WHERE order_id = $1 AND $2::boolean
       GROUP BY variant_id),
v AS (UPDATE variants v SET reserved_stock = GREATEST(v.reserved_stock - q.qty, 0), updated_at = )" WH_SQL_NOW R"(
      FROM q WHERE v.id = q.variant_id RETURNING v.product_id),
c AS (UPDATE discount_codes d SET used_count = GREATEST(d.used_count - 1, 0), updated_at = )" WH_SQL_NOW R"(
      FROM o WHERE $2::boolean AND o.coupon_code IS NOT NULL AND upper(d.code) = upper(o.coupon_code) RETURNING d.id)
SELECT DISTINCT product_id FROM v)";

// What a paid order tells its shopper, in the transaction that records the
// payment (so neither is lost nor sent for a payment that rolled back): the
// in-app notification `payment` (signed-in shoppers) and, unless the setting
// orderConfirmationEmail is false, the orderConfirmation e-mail.
// $1 order, $2 e-mail id, $3 notification id, $4 shop URL, $5 the URL-encoded
// e-mail (the guest's confirmation page asks for it).
constexpr const char* kPaidNoticeSql = R"(
WITH o AS (SELECT id, user_id, order_number, customer_email, shipping_address, subtotal, discount, shipping, tax, total,
                  coupon_code, created_at FROM orders WHERE id = $1),
n AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at)
      SELECT $3, o.user_id, 'payment', 'Payment received',
             'We received your payment for order ' || o.order_number || '. We are getting it ready.',
             '/account/orders/' || o.order_number, false, )" WH_SQL_NOW R"( FROM o WHERE o.user_id IS NOT NULL
      RETURNING id),
m AS (INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data,
                              created_at)
      SELECT $2, 'order_confirmation', o.customer_email, 'Order ' || o.order_number || ' confirmed: payment received',
             'queued', 0, 3, jsonb_build_object('template', 'orderConfirmation', 'variables', jsonb_build_object(
               'customer_name', COALESCE(o.shipping_address->>'name', ''), 'order_number', o.order_number,
               'created_at', to_char(o.created_at, 'FMDD Mon YYYY'),
               'items', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                   'product_name', oi.product_name,
                   'variant', CASE WHEN jsonb_typeof(oi.attributes) = 'object'
                                   THEN (SELECT string_agg(a.value, ', ') FROM jsonb_each_text(oi.attributes) a) END,
                   'quantity', oi.quantity, 'unit_price', trim_scale(oi.unit_price)::text,
                   'subtotal', trim_scale(oi.subtotal)::text) ORDER BY oi.created_at, oi.id)
                 FROM order_items oi WHERE oi.order_id = o.id), '[]'::jsonb),
               'subtotal', trim_scale(o.subtotal)::text, 'discount', trim_scale(o.discount)::text,
               'shipping', trim_scale(o.shipping)::text, 'tax', trim_scale(o.tax)::text,
               'total', trim_scale(o.total)::text, 'coupon_code', o.coupon_code,
               'shipping_address', o.shipping_address,
               'tracking_link', CASE WHEN o.user_id IS NULL
                                     THEN $4 || '/order-confirmation/' || o.order_number || '?email=' || $5
                                     ELSE $4 || '/account/orders/' || o.order_number END)),
             )" WH_SQL_NOW R"(
        FROM o WHERE NOT EXISTS (SELECT 1 FROM system_settings WHERE key = 'orderConfirmationEmail' AND value = 'false')
      RETURNING id)
SELECT (SELECT count(*) FROM n), (SELECT count(*) FROM m))";

constexpr const char* kRefundResultSql = "UPDATE orders SET payment_status = $2, " WH_APPEND_NOTE(
    "3") ", updated_at = " WH_SQL_NOW " WHERE id = $1 AND payment_status = 'refund_pending'";

// Once per note text: a second verify of the same wrong amount adds nothing.
constexpr const char* kFlagSql =
    "UPDATE orders SET " WH_APPEND_NOTE("2") ", updated_at = " WH_SQL_NOW
                                             " WHERE id = $1 AND position($2 in COALESCE(notes, '')) = 0 RETURNING id";

#undef WH_APPEND_NOTE

struct OrderFacts {
  std::string id;
  std::string number;
  std::string status;
  std::string payment_status;
  Pesewas total = 0;
  std::string email;
  std::string name;
};

bool settled(std::string_view payment_status) {
  return payment_status == "paid" || payment_status == "refund_pending" || payment_status == "refunded" ||
         payment_status == "refund_failed";
}

std::string amount_text(const PaymentReport& r) {
  return (r.amount ? cedis_text(*r.amount) : std::string("?")) + " " + (r.currency.empty() ? "?" : r.currency);
}

db::Statement paid_notice(const Config& config, const OrderFacts& o) {
  db::Params params{o.id, new_cuid(), new_cuid(), config.frontend_url,
                    boost::urls::encode(o.email, boost::urls::unreserved_chars)};
  return db::Statement{kPaidNoticeSql, std::move(params)};
}

ApplyResult result(const OrderFacts& o, Applied applied, std::string status, std::string payment_status) {
  return ApplyResult{applied, o.id, o.number, std::move(status), std::move(payment_status)};
}

Task<ApplyResult> flag_mismatch(web::Services& services, db::Db db, const OrderFacts& o, const PaymentReport& r) {
  const std::string paid = amount_text(r);
  const std::string due = cedis_text(o.total) + " GHS";
  std::string note = "[payment] " + r.source + " reported " + paid + " for reference " + r.reference +
                     " but the order total is " + due + ": not marked paid; check Paystack.";
  co_await db.transaction([&](db::Tx& tx) -> Task<void> {
    db::Params params{o.id, note};
    auto flagged = co_await tx.query(kFlagSql, std::move(params));
    if (flagged.empty()) co_return;
    payments::AdminAlert alert;
    alert.type = "payment_mismatch";
    alert.title = "Payment amount mismatch on " + o.number;
    alert.message = "Paystack reported a payment that does not match the order total. The order was not marked paid.";
    alert.details = {
        {"Order", o.number}, {"Reference", r.reference}, {"Paid", paid}, {"Order total", due}, {"Source", r.source}};
    alert.order_number = o.number;
    co_await payments::alert_admins(tx, services.config, alert);
  });
  log::warn("payment amount mismatch: not marked paid",
            {{"order", o.number}, {"reference", r.reference}, {"paid", paid}, {"total", due}});
  co_return result(o, Applied::mismatch, o.status, o.payment_status);
}

// After the commit of refund_pending: asks Paystack, records the answer.
Task<ApplyResult> refund(web::Services& services, db::Db db, const OrderFacts& o, const PaymentReport& r) {
  auto outcome = co_await services.get<payments::PaystackClient>().refund(r.reference);
  std::string payment_status = "refund_pending";
  std::string note;
  Applied applied = Applied::refund_pending;
  if (outcome.outcome == payments::Outcome::accepted && outcome.status == "processed") {
    payment_status = "refunded";
    applied = Applied::refunded;
    note = "[payment] refunded by Paystack.";
  } else if (outcome.outcome == payments::Outcome::accepted) {
    note = "[payment] refund requested from Paystack (" + outcome.status + ").";
  } else if (outcome.outcome == payments::Outcome::refused) {
    payment_status = "refund_failed";
    applied = Applied::refund_failed;
    note = "[payment] Paystack refused the refund: " + outcome.message + ". Refund the customer by hand.";
  } else {
    note = "[payment] the refund request got no answer (" + outcome.message + "): check Paystack.";
  }
  if (payment_status != "refund_pending") {
    db::Params params{o.id, payment_status, note};
    co_await db.query(kRefundResultSql, std::move(params));
  } else {
    db::Params params{o.id, note};
    co_await db.query(kFlagSql, std::move(params));
  }
  log::warn("paid order without stock: refund", {{"order", o.number},
                                                 {"reference", r.reference},
                                                 {"refund", outcome.status},
                                                 {"payment_status", payment_status}});
  co_return result(o, applied, "cancelled", payment_status);
}

Task<ApplyResult> apply_success(web::Services& services, db::Db db, const OrderFacts& o, const PaymentReport& r) {
  if (settled(o.payment_status)) co_return result(o, Applied::already_settled, o.status, o.payment_status);
  if (!r.amount || *r.amount != o.total || r.currency != "GHS") co_return co_await flag_mismatch(services, db, o, r);

  Applied applied = Applied::paid;
  std::vector<std::string> products;
  std::string now_status = o.status, now_payment = o.payment_status;
  co_await db.transaction([&](db::Tx& tx) -> Task<void> {
    db::Params lock{o.id};
    auto row = co_await tx.query(kLockOrderSql, std::move(lock));
    now_status = std::string(row.get(0, 0));
    now_payment = std::string(row.get(0, 1));
    if (settled(now_payment)) {
      applied = Applied::already_settled;
      co_return;
    }
    if (holding_of(now_status, now_payment) == Holding::sale) {
      std::vector<db::Statement> paid;
      paid.push_back(db::Statement{kPaidOnlySql, db::Params{o.id, r.channel}});
      paid.push_back(paid_notice(services.config, o));
      co_await tx.pipeline(std::move(paid));
      now_payment = "paid";
      co_return;
    }
    const bool held = now_status == "pending" && now_payment == "pending";
    db::Params stock_params{o.id};
    auto stock = co_await tx.query(kLockStockSql, std::move(stock_params));
    std::string short_of;
    for (int i = 0; i < stock.rows(); ++i) {
      auto on_hand = stock.get_int(i, 1), reserved = stock.get_int(i, 2), qty = stock.get_int(i, 3);
      auto free = held ? on_hand : on_hand - reserved;
      if (free < qty && short_of.empty()) short_of = std::string(stock.get(i, 4));
    }
    if (short_of.empty()) {
      std::string reason = "Order " + o.number + " paid (" + r.source + ")";
      std::vector<db::Statement> sale;
      const char* sell = units_sql(held ? StockMove::sell_reserved : StockMove::sell_from_shelf);
      sale.push_back(db::Statement{sell, db::Params{o.id, reason, std::nullopt}});
      sale.push_back(db::Statement{kMarkPaidSql, db::Params{o.id, held, r.channel}});
      sale.push_back(paid_notice(services.config, o));
      auto done = co_await tx.pipeline(std::move(sale));
      const auto& sold = done.front();
      for (int i = 0; i < sold.rows(); ++i) products.emplace_back(sold.get(i, 0));
      now_status = "processing";
      now_payment = "paid";
      co_return;
    }
    applied = Applied::refund_pending;
    std::string note = "[payment] paid (" + r.reference + ") but " + short_of +
                       " is out of stock: cancelled, refunding through Paystack.";
    db::Params params{o.id, held, note};
    auto released = co_await tx.query(kRefundPendingSql, std::move(params));
    for (int i = 0; i < released.rows(); ++i) products.emplace_back(released.get(i, 0));
    payments::AdminAlert alert;
    alert.type = "payment_refund";
    alert.title = "Paid order " + o.number + " is out of stock: refunding";
    alert.message =
        "A payment arrived for an order whose stock is gone. The order was cancelled and a refund "
        "requested from Paystack; check that it completes.";
    alert.details = {{"Order", o.number},
                     {"Reference", r.reference},
                     {"Out of stock", short_of},
                     {"Amount", cedis_text(o.total) + " GHS"}};
    alert.order_number = o.number;
    co_await payments::alert_admins(tx, services.config, alert);
    accounts::QueuedEmail mail;
    mail.type = "order_cancelled_stock";
    mail.to = o.email;
    mail.subject = "Your order " + o.number + " was cancelled: refund on its way";
    mail.templ = "orderCancelledStock";
    mail.variables = boost::json::object{{"customer_name", o.name},
                                         {"order_number", o.number},
                                         {"product_name", short_of},
                                         {"amount", cedis_text(o.total)}};
    co_await tx.query(accounts::kQueueEmailSql, accounts::queue_email_params(services.config, mail));
  });
  invalidate_stock(services, products);
  if (applied == Applied::refund_pending) co_return co_await refund(services, db, o, r);
  if (applied == Applied::paid) {
    log::info("order paid", {{"order", o.number}, {"reference", r.reference}, {"source", r.source}});
  }
  co_return result(o, applied, now_status, now_payment);
}

Task<ApplyResult> apply_failure(web::Services& services, db::Db db, const OrderFacts& o, const PaymentReport& r) {
  if (o.status != "pending" || o.payment_status != "pending") {
    co_return result(o, Applied::ignored, o.status, o.payment_status);
  }
  auto products = co_await release_order(db, o.id, "pending", "failed");
  invalidate_stock(services, products);
  if (products.empty()) {
    // Nothing was released: something else settled it first.
    co_return result(o, Applied::ignored, o.status, o.payment_status);
  }
  log::info("payment failed: reservation released", {{"order", o.number}, {"reference", r.reference}});
  co_return result(o, Applied::failed, "pending", "failed");
}

}  // namespace

const char* applied_name(Applied a) {
  switch (a) {
    case Applied::paid:
      return "paid";
    case Applied::already_settled:
      return "already_settled";
    case Applied::mismatch:
      return "amount_mismatch";
    case Applied::refund_pending:
      return "refund_pending";
    case Applied::refunded:
      return "refunded";
    case Applied::refund_failed:
      return "refund_failed";
    case Applied::failed:
      return "failed";
    case Applied::ignored:
      return "ignored";
    case Applied::unknown_order:
      break;
  }
  return "unknown_order";
}

std::optional<PaymentReport> report_of(const payments::VerifyOutcome& v, const std::string& reference,
                                       std::string source) {
  if (v.verdict != payments::Verdict::success && v.verdict != payments::Verdict::failed) return std::nullopt;
  PaymentReport r;
  r.reference = reference;
  r.success = v.verdict == payments::Verdict::success;
  r.amount = v.amount;
  r.currency = v.currency;
  r.channel = v.channel;
  r.source = std::move(source);
  return r;
}

Task<ApplyResult> apply_payment(web::Services& services, const PaymentReport& report, db::Priority priority) {
  db::Db db(*services.pool, nullptr, priority);
  db::Params params{report.reference};
  auto r = co_await db.query(kLoadSql, std::move(params));
  if (r.empty()) {
    log::warn("payment result for an unknown reference", {{"reference", report.reference}, {"source", report.source}});
    co_return ApplyResult{};
  }
  OrderFacts o{std::string(r.get(0, 0)), std::string(r.get(0, 1)), std::string(r.get(0, 2)), std::string(r.get(0, 3)),
               r.get_int(0, 4),          std::string(r.get(0, 5)), std::string(r.get(0, 6))};
  if (report.success) co_return co_await apply_success(services, db, o, report);
  co_return co_await apply_failure(services, db, o, report);
}

}  // namespace wh::orders
