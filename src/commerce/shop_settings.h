// The settings the money path reads (reference §1.14: taxRate,
// shippingFlatRate, freeShippingThreshold, min/maxOrderAmount,
// enable_payments, paymentMethods, orderConfirmationEmail), typed, with the
// old backend's defaults.
//
// Contract: shop_settings() answers from the `settings` cache instance
// (key "shop-settings", tag `settings`), so an admin write or any change to
// system_settings (the database trigger) is seen by the next call on every
// instance. A value that does not parse keeps its default.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/task.h"
#include "web/context.h"

namespace wh::commerce {

struct ShopSettings {
  int tax_rate_bp = 0;  // taxRate (%) in hundredths of a percent: "2.5" -> 250
  Pesewas shipping_flat = 1000;
  Pesewas free_shipping_threshold = 10000;
  std::optional<Pesewas> min_order;
  std::optional<Pesewas> max_order;
  bool payments_enabled = true;  // enable_payments
  bool card_enabled = true;      // paymentMethods.card
  bool cash_enabled = true;      // paymentMethods.cash
  bool order_confirmation_email = true;
};

// (key, stored value) pairs as system_settings holds them.
using SettingRows = std::vector<std::pair<std::string, std::string>>;

// The rows of `sql` (one row, one column: a JSON object of key -> value of
// the wanted system_settings keys) from the `settings` cache instance under
// `cache_key`, tagged `settings`: every change to system_settings is seen by
// the next call on every instance. For the typed settings of other modules
// too (e.g. the review settings).
Task<SettingRows> cached_settings(web::Context& ctx, std::string cache_key, const char* sql);

// From (key, stored value) pairs as system_settings holds them.
ShopSettings parse_shop_settings(const std::vector<std::pair<std::string, std::string>>& rows);

Task<ShopSettings> shop_settings(web::Context& ctx);

}  // namespace wh::commerce
