#include "cache/edge_headers.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>

#include "cache/instances.h"
#include "cache/response_cache_stage.h"
#include "core/log.h"
#include "security/http_policy.h"

namespace wh::cache {

namespace {

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxCacheTagBytes) return false;
  return std::all_of(tag.begin(), tag.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && c != ',';
  });
}

http::Bytes shared_text(const std::shared_ptr<const std::string>& text) { return http::Bytes::shared(text, *text); }

// Headers only a public response may carry; set again below when it is one.
void erase_edge_headers(http::Response& res) {
  for (std::string_view name :
       {"Cloudflare-CDN-Cache-Control", "CDN-Cache-Control", "Surrogate-Control", "Cache-Tag"}) {
    res.erase_header(name);
  }
}

}  // namespace

std::optional<std::string> cache_tag_header(const std::vector<std::string>& tags) {
  std::string out;
  std::set<std::string_view> seen;
  for (const auto& tag : tags) {
    if (!valid_tag(tag)) return std::nullopt;
    if (!seen.insert(tag).second) continue;
    if (!out.empty()) out += ',';
    out += tag;
  }
  if (out.empty() || out.size() > kMaxCacheTagHeaderBytes) return std::nullopt;
  return out;
}

EdgePolicy::EdgePolicy(const Config& c) {
  auto add = [&](std::string_view instance, std::chrono::seconds edge, std::chrono::seconds swr) {
    Class k;
    k.ttl = EdgeTtl{std::min(c.browser_max_age, edge), edge, swr, c.edge_sie};
    k.cache_control = std::make_shared<const std::string>("public, max-age=" + std::to_string(k.ttl.browser.count()));
    k.edge_control =
        std::make_shared<const std::string>("public, max-age=" + std::to_string(edge.count()) +
                                            ", stale-while-revalidate=" + std::to_string(k.ttl.swr.count()) +
                                            ", stale-if-error=" + std::to_string(k.ttl.sie.count()));
    classes_.emplace(std::string(instance), std::move(k));
  };
  // Lists are not purged when only stock changes (migration 0010): their
  // stock may lag by at most kListStockLag at the edge too.
  add(instance::kProductLists, std::min(c.edge_catalog_max_age, kListStockLag - kListStockSwr),
      std::min(c.edge_swr, kListStockSwr));
  add(instance::kProductDetail, c.edge_catalog_max_age, c.edge_swr);
  add(instance::kCategories, c.edge_catalog_max_age, c.edge_swr);
  add(instance::kBanners, c.edge_banners_max_age, c.edge_swr);
  add(instance::kSettings, c.edge_settings_max_age, c.edge_swr);
  add(instance::kCurrency, c.edge_currency_max_age, c.edge_swr);
  add(instance::kReviews, c.edge_catalog_max_age, c.edge_swr);
}

const EdgeTtl* EdgePolicy::ttl(std::string_view instance) const {
  auto it = classes_.find(instance);
  return it == classes_.end() ? nullptr : &it->second.ttl;
}

void EdgePolicy::check(const web::Router& router) const {
  for (const auto& route : router.routes()) {
    if (route.cache && ttl(route.cache->instance) == nullptr) {
      throw std::logic_error("no edge caching class for cache instance " + std::string(route.cache->instance) + " of " +
                             route.method + " " + route.pattern);
    }
  }
}

bool EdgePolicy::is_public(const web::Context& ctx, const http::Response& res) {
  const std::string& m = ctx.req.method;
  return ctx.route != nullptr && ctx.route->cache && (m == "GET" || m == "HEAD") &&
         (res.status == 200 || res.status == 304);
}

void EdgePolicy::apply(const web::Context& ctx, http::Response& res) const {
  erase_edge_headers(res);
  const Class* cls = nullptr;
  std::optional<std::string> tags;
  if (is_public(ctx, res)) {
    auto it = classes_.find(ctx.route->cache->instance);
    if (it != classes_.end()) cls = &it->second;
    tags = cache_tag_header(ctx.cache_tags);
    if (!tags) {
      static std::atomic<bool> warned{false};
      if (!warned.exchange(true)) {
        log::warn("public response not cached at the edge: its cache tags are missing or beyond Cloudflare's limits",
                  {{"route", ctx.route->pattern}, {"tags", ctx.cache_tags.size()}});
      }
    }
  }
  if (cls == nullptr || !tags) {
    res.set_header("Cache-Control", http::Bytes::literal("private, no-store"));
    return;
  }
  res.set_header("Cache-Control", shared_text(cls->cache_control));
  res.set_header("Cloudflare-CDN-Cache-Control", shared_text(cls->edge_control));
  res.set_header("Cache-Tag", std::move(*tags));
  if (res.status == 200 && !res.find_header("ETag")) res.set_header("ETag", strong_etag(res.body.view()));
  res.set_header("Vary", http::Bytes::literal("Accept-Encoding"));
  res.erase_header("Set-Cookie");
  security::CorsPolicy::decorate_public(res);
}

EdgeHeadersStage::EdgeHeadersStage(const Config& config, const web::Router& router) : policy_(config) {
  policy_.check(router);
}

}  // namespace wh::cache
