// The pipeline stage that answers cached public reads (after the block list,
// rate limit, authentication and maintenance stages; see server/routes.cc).
//
// For a GET or HEAD whose route has a web::CachePlan it:
// - validates and normalises the query with the plan (a bad one is the
//   handler's own 400) and keys the entry on path + canonical query, so
//   parameter order, defaults, case and unknown parameters make no new key;
// - asks the route's named ByteCache, whose loader runs the route handler
//   on a request rebuilt from that key, with no caller identity (so the
//   bytes cannot depend on who asked) and its own statement count, which is
//   added to the request that ran the load;
// - answers with the entry's shared bytes (no copy), gzip or brotli as
//   Accept-Encoding allows, a strong ETag per encoding, `Vary:
//   Accept-Encoding`, `X-Cache: HIT|MISS|STALE|STALE-IF-ERROR`, and 304
//   without a body when If-None-Match matches.
// Answers of 4xx are passed on uncached; 5xx and exceptions are load
// failures (stale-if-error applies). Other routes go on to the router.
#pragma once
#include "cache/registry.h"
#include "web/router.h"
#include "web/stage.h"

namespace wh::cache {

// The strong ETag of an uncompressed body, `"<hash>"`, as the stage sends
// it (the gzip and brotli copies add -gz / -br).
std::string strong_etag(std::string_view body);

class ResponseCacheStage : public web::Stage {
 public:
  ResponseCacheStage(Registry& registry, const web::Router& router) : registry_(registry), router_(router) {}
  std::string_view name() const override { return "response-cache"; }
  bool waits() const override { return true; }
  Task<std::optional<http::Response>> on_request_async(web::Context& ctx) override;

 private:
  Registry& registry_;
  const web::Router& router_;
};

}  // namespace wh::cache
