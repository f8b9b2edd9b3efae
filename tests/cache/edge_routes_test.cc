// The edge caching policy over every route of the real server, taken from
// its route table (a new route is checked without touching this file): the
// public reads carry the edge headers, the in-process cache's tags, a strong
// ETag and Vary: Accept-Encoding, identically on a miss, a hit, a HEAD and a
// 304; every other response, whoever asks, errors included, is
// `private, no-store`.
#include "cache/edge_headers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cache/registry.h"
#include "support/admin_api.h"

namespace wh::test {
namespace {

using web::Route;

// The headers that decide caching, as received.
std::map<std::string, std::string> caching_headers(const HttpResult& r) {
  std::map<std::string, std::string> out;
  for (const char* name : {"cache-control", "cloudflare-cdn-cache-control", "cache-tag", "etag", "vary",
                           "access-control-allow-origin", "access-control-allow-credentials", "set-cookie"}) {
    out[name] = r.header(name);
  }
  return out;
}

std::vector<std::string> split_tags(const std::string& value) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    auto comma = value.find(',', pos);
    out.push_back(value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

class EdgeRoutes : public AdminApi {
 protected:
  struct Identity {
    const char* name;
    std::string token;
  };
  static std::vector<Identity> identities() {
    return {{"anonymous", ""}, {"customer", customer_}, {"admin", admin_}, {"super admin", super_}};
  }
  static const std::vector<Route>& routes() { return server_->app().app().router().routes(); }

  // A seeded row for the capture that follows the segment `collection`.
  static std::string sample(const std::string& collection) {
    if (collection == "products") {
      return q(
          "SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id WHERE p.is_active AND c.is_active"
          " AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active) ORDER BY p.id LIMIT 1");
    }
    if (collection == "variants") {
      return q(
          "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE v.is_active AND p.is_active"
          " ORDER BY v.id LIMIT 1");
    }
    if (collection == "categories") return q("SELECT id FROM categories WHERE is_active ORDER BY id LIMIT 1");
    if (collection == "banners") return q("SELECT id FROM promotional_banners ORDER BY id LIMIT 1");
    return "sample";
  }
  // The route's pattern with plausible values; `unknown` fills captures
  // with an id that names nothing.
  static std::string target(const Route& r, bool unknown = false) {
    std::string t;
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
      const auto& seg = r.segments[i];
      t += "/";
      t += seg[0] != ':' ? seg : unknown ? "cnosuchrow0000000000000000" : sample(i > 0 ? r.segments[i - 1] : "");
    }
    if (t.ends_with("/search")) t += "?q=wig";
    return t.empty() ? "/" : t;
  }
  static bool has_capture(const Route& r) {
    return std::any_of(r.segments.begin(), r.segments.end(), [](const std::string& s) { return s[0] == ':'; });
  }
  static HttpResult send(const std::string& method, const std::string& target, const Identity& who,
                         const Headers& extra = {}) {
    Headers h = extra;
    if (!who.token.empty()) h.emplace_back("Authorization", "Bearer " + who.token);
    return HttpClient(server_->port()).request(method, target, method == "GET" || method == "HEAD" ? "" : "{}", h);
  }

  static void expect_public(const HttpResult& r, const Route& route, const std::string& what) {
    const cache::EdgePolicy policy(server_->config);
    const cache::EdgeTtl* ttl = policy.ttl(route.cache->instance);
    ASSERT_NE(ttl, nullptr) << what;
    EXPECT_EQ(r.header("cache-control"), "public, max-age=" + std::to_string(ttl->browser.count())) << what;
    EXPECT_EQ(r.header("cloudflare-cdn-cache-control"),
              "public, max-age=" + std::to_string(ttl->edge.count()) + ", stale-while-revalidate=" +
                  std::to_string(ttl->swr.count()) + ", stale-if-error=" + std::to_string(ttl->sie.count()))
        << what;
    EXPECT_FALSE(r.header("cache-tag").empty()) << what;
    const std::string etag = r.header("etag");
    EXPECT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"') << what << ": strong ETag " << etag;
    EXPECT_EQ(r.header("vary"), "Accept-Encoding") << what;
    EXPECT_EQ(r.header("set-cookie"), "") << what;
    EXPECT_EQ(r.header("access-control-allow-credentials"), "") << what;
  }
  static void expect_private(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.header("cache-control"), "private, no-store") << what << " -> " << r.status;
    EXPECT_EQ(r.header("cloudflare-cdn-cache-control"), "") << what;
    EXPECT_EQ(r.header("cache-tag"), "") << what;
  }
};

TEST_F(EdgeRoutes, TheTableHasPublicAndPrivateRoutes) {
  auto n = std::count_if(routes().begin(), routes().end(), [](const Route& r) { return r.cache.has_value(); });
  EXPECT_GE(n, 10) << "the catalog, banners, settings and currency reads";
  EXPECT_GT(routes().size(), static_cast<std::size_t>(n) + 20);
  for (const auto& r : routes()) {
    if (r.cache) {
      EXPECT_EQ(r.method, "GET") << r.pattern << ": only reads are public";
    }
  }
}

TEST_F(EdgeRoutes, EveryPublicRouteCarriesTheEdgeHeadersForEveryCaller) {
  const Headers from_frontend{{"Origin", server_->config.frontend_url}};
  for (const auto& route : routes()) {
    if (!route.cache) continue;
    const std::string t = target(route);
    std::map<std::string, std::string> first;
    std::vector<std::string> statuses;
    for (const auto& who : identities()) {
      const std::string what = t + " as " + who.name;
      auto r = send("GET", t, who, from_frontend);
      ASSERT_EQ(r.status, 200) << what << ": " << r.body;
      expect_public(r, route, what);
      EXPECT_EQ(r.header("access-control-allow-origin"), "*") << what;
      statuses.push_back(r.header("x-cache"));
      if (first.empty()) first = caching_headers(r);
      EXPECT_EQ(caching_headers(r), first) << what << " (" << r.header("x-cache") << ") differs from the first";
    }
    EXPECT_EQ(statuses.front(), "MISS") << t;
    EXPECT_EQ(statuses.back(), "HIT") << t << ": a hit sends what a miss sent";
    // Without an Origin header the answer is the same (the edge keeps one copy).
    EXPECT_EQ(caching_headers(send("GET", t, identities()[0])), first) << t << " without Origin";
    EXPECT_EQ(caching_headers(send("HEAD", t, identities()[0], from_frontend)), first) << "HEAD " << t;
  }
}

TEST_F(EdgeRoutes, NotModifiedKeepsTheCachingHeaders) {
  for (const auto& route : routes()) {
    if (!route.cache) continue;
    const std::string t = target(route);
    auto full = server_->get(t);
    ASSERT_EQ(full.status, 200) << t;
    auto again = server_->get(t, {{"If-None-Match", full.header("etag")}});
    EXPECT_EQ(again.status, 304) << t;
    EXPECT_TRUE(again.body.empty()) << t;
    EXPECT_EQ(caching_headers(again), caching_headers(full)) << t;
  }
}

TEST_F(EdgeRoutes, CacheTagIsWhatTheInProcessCacheIsInvalidatedBy) {
  auto& registry = server_->app().app().services().get<cache::Registry>();
  for (const auto& route : routes()) {
    if (!route.cache) continue;
    const std::string t = target(route);
    auto warm = server_->get(t);
    ASSERT_EQ(warm.status, 200) << t;
    auto tags = split_tags(warm.header("cache-tag"));
    ASSERT_FALSE(tags.empty()) << t;
    for (const auto& tag : tags) {
      EXPECT_EQ(server_->get(t).header("x-cache"), "HIT") << t;
      std::vector<std::string> one{tag};
      registry.invalidate(one);
      auto after = server_->get(t);
      EXPECT_EQ(after.header("x-cache"), "MISS") << t << ": purging " << tag << " at the edge must purge it here too";
      EXPECT_EQ(after.header("cache-tag"), warm.header("cache-tag")) << t;
    }
  }
}

TEST_F(EdgeRoutes, ErrorsOfPublicRoutesAreNotStored) {
  int errors = 0;
  for (const auto& route : routes()) {
    if (!route.cache) continue;
    std::vector<std::string> targets{target(route) + (target(route).find('?') == std::string::npos ? "?" : "&") +
                                     "page=0&limit=-1"};
    if (has_capture(route)) targets.push_back(target(route, true));
    for (const auto& t : targets) {
      auto r = server_->get(t);
      if (r.status == 200) {
        expect_public(r, route, t);
        continue;
      }
      ++errors;
      EXPECT_GE(r.status, 400) << t;
      expect_private(r, t);
    }
  }
  EXPECT_GE(errors, 6) << "unknown ids and bad pages";
}

TEST_F(EdgeRoutes, NoOtherRouteIsEverPublic) {
  std::vector<const Route*> others;
  for (const auto& r : routes()) {
    if (!r.cache) others.push_back(&r);
  }
  // Reads first, writes next, deletions and signing out last (they may
  // remove the sample rows or revoke the tokens; the policy must hold anyway).
  auto rank = [](const Route* r) {
    if (r->pattern.find("logout") != std::string::npos) return 3;
    if (r->method == "GET") return 0;
    return r->method == "DELETE" ? 2 : 1;
  };
  std::stable_sort(others.begin(), others.end(), [&](const Route* a, const Route* b) { return rank(a) < rank(b); });
  std::map<int, int> statuses;
  for (const Route* route : others) {
    const std::string t = target(*route);
    for (const auto& who : identities()) {
      auto r = send(route->method, t, who, {{"Origin", server_->config.frontend_url}});
      ++statuses[r.status / 100];
      expect_private(r, route->method + " " + t + " as " + who.name);
      EXPECT_EQ(r.header("access-control-allow-origin"), server_->config.frontend_url) << t;
    }
  }
  EXPECT_GT(statuses[2], 20) << "plausible requests: most reads succeed for someone";
  EXPECT_GT(statuses[4], 20) << "and the guards refuse the others";
  // Paths that match no route, and methods a public path does not take.
  expect_private(server_->get("/api/no-such-route"), "unknown route");
  expect_private(HttpClient(server_->port()).request("POST", "/api/banners", "{}"), "POST to a public path");
}

TEST_F(EdgeRoutes, CacheDisabledSendsTheSameHeaders) {
  auth::AuthServer plain;
  plain.config.cache_enabled = false;
  for (const auto& route : routes()) {
    if (!route.cache) continue;
    const std::string t = target(route);
    auto cached = server_->get(t);
    auto direct = plain.get(t);
    ASSERT_EQ(direct.status, 200) << t;
    EXPECT_EQ(direct.header("x-cache"), "") << t << ": served without the cache stage";
    EXPECT_EQ(caching_headers(direct), caching_headers(cached)) << t;
  }
}

TEST(EdgeRoutesLimits, AnswersOfStagesArePrivate) {
  auth::AuthServer s;
  s.config.rate_limit_max = 1;
  auto ok = s.get("/api/banners");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("cache-control"), "public, max-age=60");
  auto limited = s.get("/api/banners");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("cache-control"), "private, no-store");
  EXPECT_EQ(limited.header("cloudflare-cdn-cache-control"), "");
  EXPECT_EQ(limited.header("cache-tag"), "");
}

}  // namespace
}  // namespace wh::test
