#include "cache/response_cache_stage.h"

#include <memory>
#include <stdexcept>

#include "cache/compress.h"
#include "core/crypto.h"
#include "core/error.h"
#include "db/query_stats_add.h"
#include "web/respond.h"

namespace wh::cache {

namespace {

// path + canonical query; values are length-prefixed so no value can
// imitate a separator.
std::string cache_key(std::string_view path, const http::HeaderList& query) {
  std::string key(path);
  for (const auto& [name, value] : query) {
    key += '&';
    key += name;
    key += '=';
    key += std::to_string(value.size());
    key += ':';
    key += value;
  }
  return key;
}

// The request the loader runs the handler on: the path and the canonical
// query only (no headers, no identity).
std::shared_ptr<http::Request> canonical_request(const http::Request& from, http::HeaderList query) {
  auto r = std::make_shared<http::Request>();
  r->method = "GET";
  r->path = from.path;
  r->segments = from.segments;
  r->target = from.path;
  for (std::size_t i = 0; i < query.size(); ++i) {
    r->target += i == 0 ? '?' : '&';
    r->target += query[i].first + "=" + query[i].second;
  }
  r->query = std::move(query);
  r->peer_ip = from.peer_ip;
  r->client_ip = from.client_ip;
  r->request_id = from.request_id;
  return r;
}

// Both variant ETags share the identity ETag's hash: `"<hash>"`,
// `"<hash>-gz"`, `"<hash>-br"` (a strong ETag names one representation).
std::string etag_for(std::string_view hash, std::string_view suffix) {
  return "\"" + std::string(hash) + std::string(suffix) + "\"";
}

Entry to_entry(http::Response res, std::vector<std::string> tags) {
  Entry e;
  e.status = res.status;
  e.body = std::string(res.body.view());
  e.content_type = std::string(res.content_type.view());
  e.tags = std::move(tags);
  e.etag = strong_etag(e.body);
  if (e.status == 200 && e.body.size() >= kCompressMinBytes) {
    e.gzip = gzip(e.body);
    e.brotli = brotli(e.body);
    if (e.gzip.size() >= e.body.size()) e.gzip.clear();
    if (e.brotli.size() >= e.body.size()) e.brotli.clear();
  }
  return e;
}

// Whether If-None-Match names this entry (any of its encodings; weak
// comparison, as RFC 9110 prescribes for If-None-Match).
bool matches(std::string_view if_none_match, std::string_view etag) {
  std::string_view hash = etag.substr(1, etag.size() - 2);
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    auto item = if_none_match.substr(0, comma);
    if_none_match = comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item.size() < 2 || item.front() != '"' || item.back() != '"') continue;
    item = item.substr(1, item.size() - 2);
    if (item == hash) return true;
    if (item.size() == hash.size() + 3 && item.substr(0, hash.size()) == hash &&
        (item.substr(hash.size()) == "-gz" || item.substr(hash.size()) == "-br")) {
      return true;
    }
  }
  return false;
}

http::Bytes cache_status(const Lookup& l) {
  if (!l.hit && l.freshness == Freshness::kFresh) return http::Bytes::literal("MISS");
  switch (l.freshness) {
    case Freshness::kFresh:
      return http::Bytes::literal("HIT");
    case Freshness::kStale:
      return http::Bytes::literal("STALE");
    case Freshness::kStaleIfError:
      return http::Bytes::literal("STALE-IF-ERROR");
  }
  return http::Bytes::literal("HIT");
}

http::Response respond(const web::Context& ctx, const Lookup& lookup) {
  const auto& e = lookup.entry;
  http::Response res;
  res.status = e->status;
  res.content_type = http::Bytes::shared(e, e->content_type);
  res.set_header("X-Cache", cache_status(lookup));
  if (e->status != 200) {
    res.body = http::Bytes::shared(e, e->body);
    return res;
  }
  auto accept = ctx.req.header("accept-encoding").value_or("");
  auto encoding = choose_encoding(accept, !e->gzip.empty(), !e->brotli.empty());
  std::string_view hash = std::string_view(e->etag).substr(1, e->etag.size() - 2);
  res.set_header("Vary", http::Bytes::literal("Accept-Encoding"));
  switch (encoding) {
    case Encoding::kBrotli:
      res.body = http::Bytes::shared(e, e->brotli);
      res.set_header("Content-Encoding", http::Bytes::literal("br"));
      res.set_header("ETag", etag_for(hash, "-br"));
      break;
    case Encoding::kGzip:
      res.body = http::Bytes::shared(e, e->gzip);
      res.set_header("Content-Encoding", http::Bytes::literal("gzip"));
      res.set_header("ETag", etag_for(hash, "-gz"));
      break;
    case Encoding::kIdentity:
      res.body = http::Bytes::shared(e, e->body);
      res.set_header("ETag", http::Bytes::shared(e, e->etag));
      break;
  }
  if (auto inm = ctx.req.header("if-none-match"); inm && matches(*inm, e->etag)) {
    res.status = 304;
    res.body = http::Bytes();
    res.headers.erase(std::remove_if(res.headers.begin(), res.headers.end(),
                                     [](const http::Header& h) { return h.name.view() == "Content-Encoding"; }),
                      res.headers.end());
  }
  return res;
}

}  // namespace

std::string strong_etag(std::string_view body) { return etag_for(sha256_hex(body).substr(0, 32), ""); }

Task<std::optional<http::Response>> ResponseCacheStage::on_request_async(web::Context& ctx) {
  if (ctx.req.method != "GET" && ctx.req.method != "HEAD") co_return std::nullopt;
  const web::Route* route = router_.match(ctx.req, ctx);
  if (route == nullptr || !route->cache) co_return std::nullopt;
  ByteCache* cache = registry_.find(route->cache->instance);
  if (cache == nullptr) throw std::logic_error("route cached in an unknown instance: " + route->pattern);

  http::HeaderList query = route->cache->canonical_query(ctx.req);  // throws the handler's 400
  std::string key = cache_key(ctx.req.path, query);
  auto request = canonical_request(ctx.req, std::move(query));
  auto load_stats = std::make_shared<db::QueryStats>();
  Loader loader = [&services = ctx.services, route, request, params = ctx.path_params, load_stats]() -> Task<Entry> {
    web::Context c(*request, services);
    c.path_params = params;
    c.route = route;
    http::Response res;
    try {
      res = co_await route->handler(c);
    } catch (const ApiError& e) {
      if (e.status() >= 500) throw;
      res = web::error_response(e);  // an answer, not a failure: passed on, not stored
    }
    db::add_stats(*load_stats, c.stats);
    if (res.status >= 500) throw std::runtime_error("cache load answered " + std::to_string(res.status));
    co_return to_entry(std::move(res), std::move(c.cache_tags));
  };
  Lookup lookup = co_await cache->get(std::move(key), std::move(loader));
  if (!lookup.hit) db::add_stats(ctx.stats, *load_stats);
  ctx.cache_tags = lookup.entry->tags;
  co_return respond(ctx, lookup);
}

}  // namespace wh::cache
