#include "commerce/coupons.h"

namespace wh::commerce {

namespace {

// numeric(10,2) text as PostgreSQL prints it ("15.00"); 0 when unreadable.
Pesewas amount(std::string_view v) { return parse_cedis(v).value_or(0); }

}  // namespace

Coupon coupon_from_row(const db::Result& r, int row) {
  Coupon c;
  c.id = std::string(r.get(row, 0));
  c.code = std::string(r.get(row, 1));
  c.rule.type = r.get(row, 2) == "percentage" ? DiscountType::kPercentage : DiscountType::kFixed;
  c.rule.value = amount(r.get(row, 3));
  if (!r.is_null(row, 4)) c.minimum_purchase = amount(r.get(row, 4));
  if (!r.is_null(row, 5)) c.max_uses = static_cast<int>(r.get_int(row, 5));
  c.used_count = static_cast<int>(r.get_int(row, 6));
  c.uses_per_customer = static_cast<int>(r.get_int(row, 7));
  c.active = r.get_bool(row, 8);
  c.started = r.get_bool(row, 9);
  c.expired = r.get_bool(row, 10);
  return c;
}

std::optional<std::string> coupon_refusal(const Coupon& c, Pesewas subtotal, int customer_uses) {
  if (!c.active) return "Invalid discount code";
  if (!c.started) return "This discount code is not active yet";
  if (c.expired) return "This discount code has expired";
  if (c.max_uses && c.used_count >= *c.max_uses) return "This discount code has reached its usage limit";
  if (c.minimum_purchase && subtotal < *c.minimum_purchase)
    return "A minimum purchase of GH\u20B5" + cedis_text(*c.minimum_purchase) + " is required for this code";
  if (c.uses_per_customer > 0 && customer_uses >= c.uses_per_customer)
    return "You have already used this discount code";
  return std::nullopt;
}

}  // namespace wh::commerce
