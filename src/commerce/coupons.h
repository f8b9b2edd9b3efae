// Discount codes (reference §1.9, table discount_codes): how one is read and
// the rules that decide whether it may be used. The cart (apply, display),
// POST /api/discounts/validate and the checkout all decide with
// coupon_refusal(); the checkout reads the row FOR UPDATE inside its
// transaction, so maxUses and usesPerCustomer hold under concurrency.
#pragma once
#include <optional>
#include <string>

#include "commerce/totals.h"
#include "db/result.h"

namespace wh::commerce {

struct Coupon {
  std::string id;
  std::string code;
  DiscountRule rule;
  std::optional<Pesewas> minimum_purchase;
  std::optional<int> max_uses;
  int used_count = 0;
  int uses_per_customer = 1;
  bool active = false;
  bool started = false;  // starts_at <= now (database clock, UTC)
  bool expired = false;  // expires_at < now
};

// $1 = the code as typed (matched ignoring case). Columns in the order
// coupon_from_row() reads. Append " FOR UPDATE" to lock the row.
inline constexpr const char* kCouponByCodeSql =
    "SELECT id, code, type, value::text, minimum_purchase::text, max_uses, used_count, uses_per_customer, is_active,"
    " starts_at <= (now() AT TIME ZONE 'UTC'), expires_at < (now() AT TIME ZONE 'UTC')"
    " FROM discount_codes WHERE upper(code) = upper($1)";

// How many orders of one customer used the code: $1 = code, $2 = user id
// (or NULL), $3 = customer e-mail (or NULL). Cancelled orders and orders
// whose payment failed (a refused charge gave the use back) do not count.
inline constexpr const char* kCustomerCouponUsesSql =
    "SELECT count(*) FROM orders WHERE upper(coupon_code) = upper($1)"
    " AND (user_id = $2 OR lower(customer_email) = lower($3)) AND status NOT IN ('cancelled', 'failed')"
    " AND payment_status <> 'failed'";

Coupon coupon_from_row(const db::Result& r, int row);

// Why the coupon cannot be used on `subtotal` by a customer who has used it
// `customer_uses` times already, as a message for the shopper; nullopt when
// it can.
std::optional<std::string> coupon_refusal(const Coupon& coupon, Pesewas subtotal, int customer_uses);

}  // namespace wh::commerce
