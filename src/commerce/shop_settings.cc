#include "commerce/shop_settings.h"

#include <boost/json.hpp>

#include "cache/instances.h"
#include "cache/tags.h"

namespace wh::commerce {
namespace json = boost::json;

namespace {

constexpr const char* kSettingsSql =
    "SELECT COALESCE(json_object_agg(key, value), '{}'::json)::text FROM system_settings"
    " WHERE key IN ('taxRate', 'shippingFlatRate', 'freeShippingThreshold', 'minOrderAmount', 'maxOrderAmount',"
    " 'enable_payments', 'paymentMethods', 'orderConfirmationEmail')";

std::optional<bool> flag(std::string_view v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return std::nullopt;
}

// paymentMethods is stored as a JSON object such as {"card":true,"cash":false}.
void read_payment_methods(std::string_view stored, ShopSettings& s) {
  boost::system::error_code ec;
  auto v = json::parse(stored, ec);
  if (ec || !v.is_object()) return;
  auto read = [&](const char* key, bool& out) {
    if (const auto* b = v.as_object().if_contains(key); b && b->is_bool()) out = b->as_bool();
  };
  read("card", s.card_enabled);
  read("cash", s.cash_enabled);
}

}  // namespace

ShopSettings parse_shop_settings(const std::vector<std::pair<std::string, std::string>>& rows) {
  ShopSettings s;
  for (const auto& [key, value] : rows) {
    if (key == "taxRate") {
      if (auto v = parse_cedis(value)) s.tax_rate_bp = static_cast<int>(*v);
    } else if (key == "shippingFlatRate") {
      if (auto v = parse_cedis(value)) s.shipping_flat = *v;
    } else if (key == "freeShippingThreshold") {
      if (auto v = parse_cedis(value)) s.free_shipping_threshold = *v;
    } else if (key == "minOrderAmount") {
      s.min_order = parse_cedis(value);
    } else if (key == "maxOrderAmount") {
      s.max_order = parse_cedis(value);
    } else if (key == "enable_payments") {
      if (auto v = flag(value)) s.payments_enabled = *v;
    } else if (key == "orderConfirmationEmail") {
      if (auto v = flag(value)) s.order_confirmation_email = *v;
    } else if (key == "paymentMethods") {
      read_payment_methods(value, s);
    }
  }
  return s;
}

Task<SettingRows> cached_settings(web::Context& ctx, std::string cache_key, const char* sql) {
  auto* cache = ctx.get<cache::Registry>().find(cache::instance::kSettings);
  // The loader may outlive this request (a background refresh): it captures
  // only the process services.
  cache::Loader loader = [&services = ctx.services, sql]() -> Task<cache::Entry> {
    auto r = co_await db::Db(*services.pool, nullptr).query(sql);
    cache::Entry e;
    e.body = std::string(r.get(0, 0));
    e.tags.emplace_back(cache::tags::kSettings);
    co_return e;
  };
  auto lookup = co_await cache->get(std::move(cache_key), std::move(loader));
  SettingRows rows;
  auto object = json::parse(lookup.entry->body).as_object();
  for (const auto& [k, v] : object) rows.emplace_back(std::string(k), v.is_string() ? std::string(v.as_string()) : "");
  co_return rows;
}

Task<ShopSettings> shop_settings(web::Context& ctx) {
  auto rows = co_await cached_settings(ctx, "shop-settings", kSettingsSql);
  co_return parse_shop_settings(rows);
}

}  // namespace wh::commerce
