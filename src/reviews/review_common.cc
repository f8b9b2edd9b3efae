#include "reviews/review_common.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

#include "cache/registry.h"
#include "cache/tags.h"
#include "commerce/shop_settings.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::reviews {
namespace json = boost::json;

namespace {

constexpr int kMaxContent = 5000;

constexpr const char* kSettingsSql =
    "SELECT COALESCE(json_object_agg(key, value), '{}'::json)::text FROM system_settings"
    " WHERE key IN ('minReviewLength', 'review_auto_approve')";

}  // namespace

ReviewSettings parse_review_settings(const std::vector<std::pair<std::string, std::string>>& rows) {
  ReviewSettings s;
  for (const auto& [key, value] : rows) {
    std::string_view v = trimmed(value);
    if (key == "minReviewLength") {
      int n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc() && end == v.data() + v.size() && n > 0) s.min_content = std::min(n, kMaxContent);
    } else if (key == "review_auto_approve") {
      s.auto_approve = v == "true";
    }
  }
  return s;
}

Task<ReviewSettings> review_settings(web::Context& ctx) {
  auto rows = co_await commerce::cached_settings(ctx, "review-settings", kSettingsSql);
  co_return parse_review_settings(rows);
}

void invalidate_reviews(web::Context& ctx, const std::vector<std::string>& product_ids) {
  std::vector<std::string> tags;
  for (const auto& id : product_ids) tags.push_back(cache::tags::reviews(id));
  if (!tags.empty()) ctx.get<cache::Registry>().invalidate(tags);
}

std::string review_id(const web::Context& ctx) {
  auto id = ctx.param("id");
  if (!web::plausible_id(id)) web::throw_not_found("Review not found");
  return std::string(id);
}

}  // namespace wh::reviews
