// Every named cache instance of the server, with its policy: the one place
// that says what is cached and for how long. The TTLs are a safety net:
// freshness comes from invalidation by tag (see cache/tags.h and
// docs/caching.md), except where noted.
#pragma once
#include <string_view>

#include "cache/registry.h"

namespace wh::cache {

namespace instance {
inline constexpr std::string_view kProductLists = "product_lists";    // lists, search, category counts
inline constexpr std::string_view kProductDetail = "product_detail";  // detail, variants, single variant
inline constexpr std::string_view kCategories = "categories";         // category list and detail
inline constexpr std::string_view kBanners = "banners";               // TTL-bound too: banners start and end by date
inline constexpr std::string_view kSettings = "settings";
inline constexpr std::string_view kCurrency = "currency";
}  // namespace instance

void register_instances(Registry& registry);

}  // namespace wh::cache
