#include "metrics/routes.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "accounts/authenticate.h"
#include "cache/registry.h"
#include "core/crypto.h"
#include "core/error.h"
#include "metrics/server_metrics.h"
#include "security/client_ip.h"
#include "web/respond.h"

namespace wh::metrics {
namespace json = boost::json;
using http::Response;
using web::Context;

namespace {

bool is_loopback(std::string_view ip) {
  auto n = security::normalize_ip(ip);
  return n && (n->starts_with("127.") || *n == "::1");
}

// The token of an `Authorization: Bearer <token>` header, "" when absent.
std::string_view bearer_token(const http::Request& req) {
  auto h = req.header("authorization");
  if (!h || h->size() < 7) return {};
  std::string_view scheme = h->substr(0, 7);
  for (std::size_t i = 0; i < 6; ++i) {
    if ((scheme[i] | 0x20) != "bearer"[i]) return {};
  }
  if (scheme[6] != ' ') return {};
  std::string_view token = h->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

void authorize_scrape(Context& ctx) {
  const std::string& expected = ctx.config().metrics_token;
  std::string_view token = bearer_token(ctx.req);
  if (!expected.empty() && !token.empty() && constant_time_equal(token, expected)) return;
  // Both must be loopback: a trusted proxy on loopback forwards other clients.
  if (is_loopback(ctx.req.peer_ip) && is_loopback(ctx.req.client_ip)) return;
  if (expected.empty()) {
    throw ApiError(403, "ForbiddenError", "Metrics are available from loopback only (METRICS_TOKEN is not set)");
  }
  ctx.add_header("WWW-Authenticate", http::Bytes::literal("Bearer"));
  throw ApiError(401, "UnauthorizedError", "A valid metrics token is required");
}

Task<Response> metrics_text(Context& ctx) {
  authorize_scrape(ctx);
  Response res;
  res.body = ctx.get<ServerMetrics>().registry.render();
  res.content_type = http::Bytes::literal(kTextContentType);
  co_return res;
}

// ---- cache-stats ----------------------------------------------------------

// The old smartCache's "12.3%" (one decimal; "0%" before any lookup).
std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// The old field meanings: `misses` are lookups no entry answered (loads
// started plus those that waited for one), `deduped` the latter; the hit
// rate counts stale hits as hits, over every lookup.
void put_old_fields(json::object& o, const cache::Counters& c, std::size_t budget) {
  const std::uint64_t misses = c.misses + c.coalesced;
  o["hits"] = c.hits;
  o["misses"] = misses;
  o["deduped"] = c.coalesced;
  o["staleHits"] = c.stale_hits;
  o["invalidations"] = c.invalidations;
  o["size"] = c.entries;
  o["keys"] = c.entries;  // what the admin dashboard displays as "Cached Keys"
  o["calculatedSize"] = c.bytes;
  o["maxSize"] = budget;
  o["hitRate"] = percent(c.hits + c.stale_hits, c.hits + c.stale_hits + misses);
}

double ms(double seconds) { return std::round(seconds * 1e6) / 1e3; }

json::object instance_stats(const cache::ByteCache& cache, const cache::Counters& c) {
  const auto& p = cache.policy();
  const auto load = cache.load_seconds().snapshot();
  json::object o{{"name", p.name}};
  put_old_fields(o, c, p.byte_budget);
  o["staleIfError"] = c.stale_if_error;
  o["loadFailures"] = c.load_failures;
  o["evictions"] = c.evictions;
  o["droppedLoads"] = c.dropped_loads;
  o["ttlMs"] = p.ttl.count();
  o["staleWhileRevalidateMs"] = p.stale_while_revalidate.count();
  o["staleIfErrorMs"] = p.stale_if_error.count();
  o["loadTime"] = json::object{{"count", load.count},
                               {"avgMs", load.count == 0 ? 0.0 : ms(load.sum / static_cast<double>(load.count))},
                               {"p50Ms", ms(load.quantile(0.5))},
                               {"p99Ms", ms(load.quantile(0.99))}};
  return o;
}

Task<Response> cache_stats(Context& ctx) {
  accounts::require_role(ctx, {"admin", "super_admin"});
  cache::Counters total;
  std::size_t budget = 0;
  json::array instances;
  for (const auto& c : ctx.get<cache::Registry>().instances()) {
    const auto n = c->counters();
    instances.push_back(instance_stats(*c, n));
    total.hits += n.hits;
    total.stale_hits += n.stale_hits;
    total.misses += n.misses;
    total.coalesced += n.coalesced;
    total.invalidations += n.invalidations;
    total.entries += n.entries;
    total.bytes += n.bytes;
    budget += c->policy().byte_budget;
  }
  json::object data;
  put_old_fields(data, total, budget);
  data["description"] = "Server-side response caches (totals over every instance; each one in instances)";
  data["instances"] = std::move(instances);
  co_return web::ok_data_object(data);
}

}  // namespace

void register_routes(web::Router& router) {
  router.add("GET", "/metrics", metrics_text);
  router.add("GET", "/api/admin/dashboard/cache-stats", cache_stats);
}

}  // namespace wh::metrics
