#include "commerce/totals.h"

#include <algorithm>

namespace wh::commerce {

Pesewas discount_amount(const DiscountRule& rule, Pesewas subtotal) {
  Pesewas amount = rule.type == DiscountType::kPercentage ? scale_rounded(subtotal, rule.value, 10000) : rule.value;
  return std::clamp<Pesewas>(amount, 0, std::max<Pesewas>(subtotal, 0));
}

Totals compute_totals(Pesewas subtotal, const ShopSettings& settings, const std::optional<DiscountRule>& discount) {
  Totals t;
  t.subtotal = subtotal;
  t.discount = discount ? discount_amount(*discount, subtotal) : 0;
  t.tax = scale_rounded(subtotal, settings.tax_rate_bp, 10000);
  t.shipping = subtotal <= 0 || subtotal >= settings.free_shipping_threshold ? 0 : settings.shipping_flat;
  t.total = subtotal - t.discount + t.tax + t.shipping;
  return t;
}

}  // namespace wh::commerce
