// The one place that decides how a response may be kept outside this
// process, by browsers and by Cloudflare (docs/cloudflare.md, "Response
// headers"). Handlers and other stages set no caching headers.
//
// A response is *public* when, and only when, it is a 200 or 304 answer to
// a GET or HEAD of a route registered with a web::CachePlan (the public reads:
// catalog, banners, settings, currency; their bytes never depend on the
// caller) and it carries cache tags Cloudflare can store and purge. It gets:
//   Cache-Control: public, max-age=<browser>
//   Cloudflare-CDN-Cache-Control: public, max-age=<edge>,
//       stale-while-revalidate=<swr>, stale-if-error=<sie>
//   Cache-Tag: the tags the in-process caches use (cache/tags.h)
//   ETag (strong; the cache stage's, or computed here), Vary: Accept-Encoding,
//   Access-Control-Allow-Origin: * (never credentials), no Set-Cookie.
// Every other response, errors of public routes included, gets
// `Cache-Control: private, no-store` and none of the edge headers.
//
// Why: `public` makes Cloudflare cache although signed-in shoppers send
// Authorization; the edge TTL goes in Cloudflare-CDN-Cache-Control (never
// forwarded to browsers) and not in s-maxage, which would switch off
// Cloudflare's stale-while-revalidate and stale-if-error; Cloudflare ignores
// every Vary but Accept-Encoding, so nothing else may vary, CORS included.
// Errors are never stored: they are cheap to answer, the in-process caches
// do not keep them either, and a stored 404 would outlive the write that
// creates the row whenever a purge is late.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "http/message.h"
#include "web/router.h"
#include "web/stage.h"

namespace wh::cache {

// How long browsers and the edge keep one class of public responses.
struct EdgeTtl {
  std::chrono::seconds browser{0};  // Cache-Control max-age (never above `edge`)
  std::chrono::seconds edge{0};     // Cloudflare-CDN-Cache-Control max-age
  std::chrono::seconds swr{0};      // stale-while-revalidate at the edge
  std::chrono::seconds sie{0};      // stale-if-error at the edge
};

// Cloudflare's limits on Cache-Tag: the whole value at most 16 KB, one tag
// at most 1024 characters (longer ones cannot be purged), printable ASCII
// without spaces or commas.
// Product lists at the edge: stock-only changes do not purge them
// (migration 0010), so their max-age + stale-while-revalidate stay within
// this bound (docs/caching.md).
inline constexpr std::chrono::seconds kListStockLag{60};
inline constexpr std::chrono::seconds kListStockSwr{15};
inline constexpr std::size_t kMaxCacheTagHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxCacheTagBytes = 1024;

// The Cache-Tag value for `tags`: deduplicated, in first-seen order,
// comma-separated. nullopt when there is no tag or Cloudflare could not
// store or purge them all (the response is then not cached at the edge: a
// response that cannot be purged must not be kept).
std::optional<std::string> cache_tag_header(const std::vector<std::string>& tags);

class EdgePolicy {
 public:
  // TTLs from the configuration (EDGE_* variables), one class per cache
  // instance of cache/instances.h.
  explicit EdgePolicy(const Config& config);

  // The TTLs of responses cached in `instance`; nullptr for an unknown one.
  const EdgeTtl* ttl(std::string_view instance) const;
  // Throws std::logic_error naming a cached route whose instance has no
  // class here (a wiring bug, found at start-up).
  void check(const web::Router& router) const;

  // True when the response to ctx.req may be kept by browsers and the edge.
  static bool is_public(const web::Context& ctx, const http::Response& res);
  // Sets the caching headers of `res` (see the file comment).
  void apply(const web::Context& ctx, http::Response& res) const;

 private:
  struct Class {
    EdgeTtl ttl;
    std::shared_ptr<const std::string> cache_control;  // header values, built once
    std::shared_ptr<const std::string> edge_control;
  };
  std::map<std::string, Class, std::less<>> classes_;
};

// Applies the policy to every response. Added first to the pipeline, so its
// on_response runs last and its word is final (after CORS and the security
// headers).
class EdgeHeadersStage final : public web::Stage {
 public:
  EdgeHeadersStage(const Config& config, const web::Router& router);
  std::string_view name() const override { return "edge-headers"; }
  void on_response(web::Context& ctx, http::Response& res) override { policy_.apply(ctx, res); }

 private:
  EdgePolicy policy_;
};

}  // namespace wh::cache
