// The one place a payment result changes an order. The webhook worker, POST
// /api/orders/:n/verify-payment, the charge follow-up and the periodic
// verification all call apply_payment(); nothing else marks an order paid.
//
// A success (charge.success, or verify's status success):
// - an order already paid (or refunded, or being refunded): nothing (a
//   replay, or the webhook and a verify racing) → already_settled;
// - the amount (pesewas) or the currency (GHS) differs from the order's
//   total: not paid; the order gets a note and the admins an alert (once per
//   reference and amount) → mismatch;
// - otherwise, in one transaction with the order and its variants locked:
//   - the order still holds its reservation (pending/pending): the
//     reservation becomes a sale (stock -= qty, reserved_stock -= qty, a
//     'sale' stock movement per variant), status processing, payment_status
//     paid, paid_at, payment_method = the channel → paid;
//   - its reservation was released (a failed charge, a customer cancel, the
//     expiry): when the stock is still there it is sold the same way (and
//     the coupon use taken again) → paid;
//   - the stock is not there: status cancelled, payment_status
//     refund_pending (and any reservation released); after the commit
//     Paystack is asked for the refund: processed → refunded, refused →
//     refund_failed, queued or no answer → stays refund_pending; the admins
//     are alerted and the shopper gets orderCancelledStock → refund_*.
// A failure (charge.failed, verify's failed/abandoned/reversed):
// - the order holds its reservation: released (orders/reservations.h),
//   payment_status failed → failed;
// - anything else (already paid: a late failure must not undo a payment;
//   already released) → ignored. A failure never blocks a later success.
// Every change invalidates the product details whose stock changed.
// No pooled connection is held while Paystack is called.
#pragma once
#include <optional>
#include <string>

#include "core/money.h"
#include "core/task.h"
#include "db/priority.h"
#include "payments/paystack_client.h"
#include "web/services.h"

namespace wh::orders {

struct PaymentReport {
  std::string reference;
  bool success = false;  // false: the charge failed
  std::optional<Pesewas> amount;
  std::string currency;
  std::string channel;
  std::string source;  // webhook | verify | job: for notes and logs
};

enum class Applied {
  paid,
  already_settled,
  mismatch,
  refund_pending,
  refunded,
  refund_failed,
  failed,
  ignored,
  unknown_order
};

// "paid", "already_settled", ...: the word stored in wh_payment_events.result.
const char* applied_name(Applied a);

struct ApplyResult {
  Applied applied = Applied::unknown_order;
  std::string order_id;
  std::string order_number;
  std::string status;          // the order's status afterwards
  std::string payment_status;  // and its payment status
};

// `priority`: db::Priority::background from the workers and jobs.
Task<ApplyResult> apply_payment(web::Services& services, const PaymentReport& report,
                                db::Priority priority = db::Priority::request);

// The report a verify answer makes: success or failed; nullopt for anything
// still open or unknown (nothing to apply yet).
std::optional<PaymentReport> report_of(const payments::VerifyOutcome& v, const std::string& reference,
                                       std::string source);

}  // namespace wh::orders
