// Every named cache instance of the server, with its policy: the one place
// that says what is cached and for how long. The TTLs are a safety net:
// freshness comes from invalidation by tag (see cache/tags.h and
// docs/caching.md), except where noted.
#pragma once
#include <string_view>

#include "cache/registry.h"
#include "core/config.h"

namespace wh::cache {

namespace instance {
inline constexpr std::string_view kProductLists = "product_lists";    // lists, search, category counts
inline constexpr std::string_view kProductDetail = "product_detail";  // detail, variants, single variant
inline constexpr std::string_view kCategories = "categories";         // category list and detail
inline constexpr std::string_view kBanners = "banners";               // TTL-bound too: banners start and end by date
inline constexpr std::string_view kSettings = "settings";
inline constexpr std::string_view kCurrency = "currency";
inline constexpr std::string_view kReviews = "reviews";      // a product's approved reviews with their stats
inline constexpr std::string_view kAnalytics = "analytics";  // the admin dashboard's aggregates (admin/dashboard.h)
}  // namespace instance

// Registers every instance, applying config.cache_overrides
// (CACHE_<INSTANCE>_TTL_MS, _SWR_MS, _SIE_MS, _BYTES; unknown names are an
// error, so a typo does not go unnoticed).
void register_instances(Registry& registry, const Config& config);

}  // namespace wh::cache
