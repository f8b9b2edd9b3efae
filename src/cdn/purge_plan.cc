#include "cdn/purge_plan.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <set>
#include <unordered_map>

#include "cache/tags.h"

namespace wh::cdn {

namespace {

namespace tags = cache::tags;

// Cloudflare's limit on one tag in a purge call.
constexpr std::size_t kMaxTagLength = 1024;
// The item standing for "purge everything" (never a valid tag or URL).
constexpr std::string_view kEverything = "\x01everything";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// `s` as one URL path segment: unreserved characters as they are, the rest
// percent-encoded.
std::string path_segment(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// What one tag stands for in the calls: itself, `catalog` when the whole
// catalog is purged, and in urls mode its URLs (or kEverything).
std::vector<std::string> items_of(std::string_view tag, bool whole_catalog, const PlanOptions& o) {
  std::string_view t = whole_catalog && catalog_tag(tag) ? tags::kCatalog : tag;
  if (o.mode == PurgeMode::tags) return {std::string(t)};
  if (t == tags::kCatalog) return {std::string(kEverything)};
  return tag_urls(t, o.public_base_url);
}

std::string body_of(const PurgeCall& call, PurgeMode mode) {
  boost::json::object body;
  if (call.everything) {
    body["purge_everything"] = true;
  } else {
    boost::json::array items;
    for (const auto& i : call.items) items.emplace_back(i);
    body[mode == PurgeMode::tags ? "tags" : "files"] = std::move(items);
  }
  return boost::json::serialize(body);
}

// The plan for `rows` (refused tags need nothing), the catalog tags
// replaced by `catalog` when `whole_catalog`.
PurgePlan build(const std::vector<std::vector<std::string>>& rows, bool whole_catalog, const PlanOptions& o) {
  PurgePlan plan;
  // [row][tag] -> the items it stands for.
  std::vector<std::vector<std::vector<std::string>>> items(rows.size());
  std::set<std::string> unmapped;
  bool everything = false;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const auto& tag : rows[r]) {
      auto& tag_items = items[r].emplace_back();
      if (!valid_tag(tag)) continue;
      tag_items = items_of(tag, whole_catalog, o);
      if (tag_items.empty() && unmapped.insert(tag).second) plan.unmapped.push_back(tag);
      for (const auto& i : tag_items) everything = everything || i == kEverything;
    }
  }
  std::unordered_map<std::string, int> call_of;
  if (everything) {
    // One call covers every row that needs anything.
    PurgeCall call;
    call.everything = true;
    plan.calls.push_back(std::move(call));
    for (const auto& row : items) {
      for (const auto& tag_items : row) {
        for (const auto& i : tag_items) call_of.emplace(i, 0);
      }
    }
  } else {
    // Items in order of first appearance (older rows first), `max_items` a call.
    const std::size_t per_call = std::max<std::size_t>(1, o.max_items);
    for (const auto& row : items) {
      for (const auto& tag_items : row) {
        for (const auto& i : tag_items) {
          if (call_of.count(i) != 0) continue;
          if (plan.calls.empty() || plan.calls.back().items.size() >= per_call) plan.calls.emplace_back();
          plan.calls.back().items.push_back(i);
          call_of.emplace(i, static_cast<int>(plan.calls.size()) - 1);
        }
      }
    }
  }
  for (auto& call : plan.calls) call.body = body_of(call, o.mode);
  plan.tag_needs.resize(rows.size());
  plan.row_needs.assign(rows.size(), -1);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const auto& tag_items : items[r]) {
      int needs = -1;
      for (const auto& i : tag_items) needs = std::max(needs, call_of.at(i));
      plan.tag_needs[r].push_back(needs);
      plan.row_needs[r] = std::max(plan.row_needs[r], needs);
    }
  }
  return plan;
}

}  // namespace

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  return std::all_of(tag.begin(), tag.end(), [](char ch) { return ch > ' ' && ch < 127 && ch != ','; });
}

bool catalog_tag(std::string_view tag) {
  return tag == tags::kCatalog || tag == tags::kProducts || tag == tags::kCategories ||
         starts_with(tag, tags::product("")) || starts_with(tag, tags::category("")) ||
         starts_with(tag, tags::reviews(""));
}

// The public routes of catalog/routes.cc (and reviews/) whose responses carry each tag and
// whose URL has no query string.
std::vector<std::string> tag_urls(std::string_view tag, std::string_view base_url) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto urls = [&base](std::initializer_list<std::string> paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(base + p);
    return out;
  };
  if (tag == tags::kProducts) return urls({"/api/products", "/api/products/categories"});
  if (tag == tags::kCategories) return urls({"/api/categories", "/api/products/categories", "/api/products"});
  if (tag == tags::kBanners) return urls({"/api/banners"});
  if (tag == tags::kSettings) return urls({"/api/settings/public", "/api/admin/settings/public"});
  if (tag == tags::kCurrency) return urls({"/api/currency/rates", "/api/currency/supported"});
  const std::string product_prefix = tags::product(""), category_prefix = tags::category("");
  if (starts_with(tag, product_prefix) && tag.size() > product_prefix.size()) {
    std::string id = path_segment(tag.substr(product_prefix.size()));
    return urls({"/api/products/" + id, "/api/products/" + id + "/variants"});
  }
  const std::string reviews_prefix = tags::reviews("");
  if (starts_with(tag, reviews_prefix) && tag.size() > reviews_prefix.size()) {
    std::string id = path_segment(tag.substr(reviews_prefix.size()));
    return urls({"/api/products/" + id + "/reviews", "/api/reviews/product/" + id});
  }
  if (starts_with(tag, category_prefix) && tag.size() > category_prefix.size()) {
    return urls({"/api/categories/" + path_segment(tag.substr(category_prefix.size()))});
  }
  return {};
}

PurgePlan plan_purge(const std::vector<std::vector<std::string>>& rows, const PlanOptions& options) {
  std::vector<std::string> invalid;
  bool has_catalog = false, any_catalog_tag = false;
  for (const auto& row : rows) {
    for (const auto& tag : row) {
      if (!valid_tag(tag)) {
        invalid.push_back(tag);
        continue;
      }
      has_catalog = has_catalog || tag == tags::kCatalog;
      any_catalog_tag = any_catalog_tag || catalog_tag(tag);
    }
  }
  PurgePlan plan = build(rows, has_catalog, options);
  if (options.collapse && !has_catalog && any_catalog_tag &&
      static_cast<long long>(plan.calls.size()) > options.calls_available) {
    plan = build(rows, true, options);
    plan.collapsed = true;
  }
  plan.invalid = std::move(invalid);
  return plan;
}

}  // namespace wh::cdn
