// Cart and order totals by the old backend's rules (reference §1.6), in
// exact pesewas:
//   discount  = percentage of the subtotal (rounded to the pesewa) or a fixed
//               amount, never more than the subtotal;
//   tax       = subtotal x taxRate %, on the subtotal before the discount;
//   shipping  = 0 when subtotal >= freeShippingThreshold (or the cart is
//               empty), else the flat rate;
//   total     = subtotal - discount + tax + shipping (so total >= tax + shipping).
// The cart page, the checkout and the order all use this one function.
#pragma once
#include <optional>

#include "commerce/shop_settings.h"
#include "core/money.h"

namespace wh::commerce {

enum class DiscountType { kPercentage, kFixed };

// A discount code's effect: `value` is in hundredths, so 15% is 1500 and a
// fixed GHS 20 is 2000.
struct DiscountRule {
  DiscountType type = DiscountType::kFixed;
  Pesewas value = 0;
};

struct Totals {
  Pesewas subtotal = 0;
  Pesewas discount = 0;
  Pesewas tax = 0;
  Pesewas shipping = 0;
  Pesewas total = 0;
};

Pesewas discount_amount(const DiscountRule& rule, Pesewas subtotal);

Totals compute_totals(Pesewas subtotal, const ShopSettings& settings, const std::optional<DiscountRule>& discount);

}  // namespace wh::commerce
