#include "content/public_content.h"

#include <array>
#include <boost/json.hpp>

#include "cache/tags.h"
#include "web/respond.h"

namespace wh::content {
namespace json = boost::json;

namespace {

constexpr const char* kBannersSql = R"(
SELECT COALESCE(json_agg(json_build_object('id', b.id, 'title', b.title, 'description', b.description,
                         'imageUrl', b.image_url, 'linkUrl', b.link_url, 'priority', b.priority)
                         ORDER BY b.priority DESC, b.created_at DESC, b.id), '[]'::json)::text
FROM promotional_banners b
WHERE b.is_active AND b.start_date <= (now() AT TIME ZONE 'UTC') AND b.end_date >= (now() AT TIME ZONE 'UTC'))";

// The old backend's whitelist, in its order.
constexpr std::array<const char*, 8> kPublicKeys{"siteName",        "supportEmail",     "socialLinks",
                                                 "paymentMethods",  "shippingFlatRate", "freeShippingThreshold",
                                                 "maintenanceMode", "currency"};

// In the whitelist's order.
constexpr const char* kSettingsSql =
    "SELECT key, value FROM system_settings WHERE key = ANY($1::text[]) ORDER BY array_position($1::text[], "
    "key::text)";

std::string keys_array_literal() {
  std::string s = "{";
  for (const char* k : kPublicKeys) s += std::string(s.size() > 1 ? "," : "") + k;
  return s + "}";
}

}  // namespace

std::string setting_value_json(std::string_view stored) {
  if (stored == "true" || stored == "false") return std::string(stored);
  if (!stored.empty() && (stored.front() == '{' || stored.front() == '[')) {
    boost::system::error_code ec;
    auto v = json::parse(stored, ec);
    if (!ec) return json::serialize(v);
  }
  return json::serialize(json::string(stored));
}

std::string settings_json(const db::Result& rows) {
  std::string data = "{";
  for (int i = 0; i < rows.rows(); ++i) {
    if (i > 0) data += ',';
    data += json::serialize(json::string(rows.get(i, 0))) + ":" + setting_value_json(rows.get(i, 1));
  }
  return data + "}";
}

Task<http::Response> active_banners(web::Context& ctx) {
  ctx.tag(cache::tags::kBanners);
  auto r = co_await ctx.db().query(kBannersSql);
  co_return web::ok_data(r.get(0, 0));
}

Task<http::Response> public_settings(web::Context& ctx) {
  static const std::string keys = keys_array_literal();
  ctx.tag(cache::tags::kSettings);
  db::Params params{keys};
  auto r = co_await ctx.db().query(kSettingsSql, std::move(params));
  co_return web::ok_data(settings_json(r));
}

}  // namespace wh::content
