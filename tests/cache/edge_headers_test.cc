// The edge caching policy on a hand-built pipeline (no database): which
// responses are public, the header values, Cache-Tag limits, CORS and
// Set-Cookie on public responses. Every real route is checked over HTTP in
// edge_routes_test.cc.
#include "cache/edge_headers.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cache/instances.h"
#include "cache/response_cache_stage.h"
#include "core/error.h"
#include "security/stages.h"
#include "web/pipeline.h"

namespace wh::cache {
namespace {

using std::chrono::seconds;

// ---- Cache-Tag ------------------------------------------------------------------------------

TEST(CacheTagHeader, JoinsDistinctTagsInOrder) {
  EXPECT_EQ(cache_tag_header({"catalog", "product:a1", "catalog", "category:c2"}), "catalog,product:a1,category:c2");
  EXPECT_EQ(cache_tag_header({"banners"}), "banners");
}

TEST(CacheTagHeader, RefusesWhatCloudflareCouldNotStoreOrPurge) {
  EXPECT_EQ(cache_tag_header({}), std::nullopt) << "nothing to purge it by";
  EXPECT_EQ(cache_tag_header({"catalog", ""}), std::nullopt);
  EXPECT_EQ(cache_tag_header({"has space"}), std::nullopt);
  EXPECT_EQ(cache_tag_header({"a,b"}), std::nullopt);
  EXPECT_EQ(cache_tag_header({"caf\xc3\xa9"}), std::nullopt) << "printable ASCII only";
  EXPECT_EQ(cache_tag_header({std::string(kMaxCacheTagBytes + 1, 'x')}), std::nullopt) << "unpurgeable tag";
  EXPECT_TRUE(cache_tag_header({std::string(kMaxCacheTagBytes, 'x')}));
  // The whole value: at most 16 KB.
  std::vector<std::string> many;
  std::size_t bytes = 0;
  for (int i = 0; bytes <= kMaxCacheTagHeaderBytes; ++i) {
    many.push_back("product:" + std::to_string(1000000 + i));
    bytes += many.back().size() + 1;
  }
  EXPECT_EQ(cache_tag_header(many), std::nullopt);
  many.resize(many.size() / 2);
  EXPECT_TRUE(cache_tag_header(many));
}

// ---- TTLs ---------------------------------------------------------------------------------------

TEST(EdgePolicy, ClassesFollowTheConfiguration) {
  Config c;
  c.browser_max_age = seconds(90);
  c.edge_catalog_max_age = seconds(7200);
  c.edge_banners_max_age = seconds(30);
  c.edge_settings_max_age = seconds(300);
  c.edge_currency_max_age = seconds(1800);
  c.edge_swr = seconds(15);
  c.edge_sie = seconds(600);
  EdgePolicy p(c);
  for (auto name : {instance::kProductDetail, instance::kCategories}) {
    ASSERT_NE(p.ttl(name), nullptr) << name;
    EXPECT_EQ(p.ttl(name)->edge, seconds(7200)) << name;
    EXPECT_EQ(p.ttl(name)->browser, seconds(90)) << name;
  }
  // Lists: stock-only changes do not purge them, so their stock lags <= 60 s.
  EXPECT_EQ(p.ttl(instance::kProductLists)->edge, seconds(45));
  EXPECT_EQ(p.ttl(instance::kProductLists)->browser, seconds(45));
  EXPECT_EQ(p.ttl(instance::kProductLists)->swr, seconds(15));
  EXPECT_EQ(p.ttl(instance::kSettings)->edge, seconds(300));
  EXPECT_EQ(p.ttl(instance::kCurrency)->edge, seconds(1800));
  EXPECT_EQ(p.ttl(instance::kBanners)->edge, seconds(30));
  EXPECT_EQ(p.ttl(instance::kBanners)->browser, seconds(30)) << "a browser never keeps longer than the edge";
  EXPECT_EQ(p.ttl(instance::kBanners)->swr, seconds(15));
  EXPECT_EQ(p.ttl(instance::kBanners)->sie, seconds(600));
  EXPECT_EQ(p.ttl("nope"), nullptr);
}

TEST(EdgePolicy, StartUpRefusesACachedRouteWithoutAClass) {
  web::Router router;
  auto handler = [](web::Context&) -> Task<http::Response> { co_return http::Response::json("{}"); };
  auto none = [](const http::Request&) { return http::HeaderList{}; };
  router.add("GET", "/api/ok", handler, web::CachePlan{instance::kBanners, none});
  EXPECT_NO_THROW(EdgeHeadersStage(Config{}, router));
  router.add("GET", "/api/odd", handler, web::CachePlan{"no_such_instance", none});
  EXPECT_THROW(EdgeHeadersStage(Config{}, router), std::logic_error);
}

// ---- the stage on a pipeline -----------------------------------------------------------------------

struct Fixture {
  Fixture() {
    Config c;
    c.access_log = false;
    c.node_env = "production";  // CORS: only listed origins
    services = std::make_unique<web::Services>(c);
    auto none = [](const http::Request&) { return http::HeaderList{}; };
    auto banners = web::CachePlan{instance::kBanners, none};
    // Public and well tagged, but tries a cookie.
    router.add(
        "GET", "/api/public",
        [](web::Context& ctx) -> Task<http::Response> {
          ctx.tag(std::string_view("banners"));
          ctx.add_header("Set-Cookie", "sid=abc; Path=/");
          auto res = http::Response::json("{\"ok\":true}");
          res.set_header("Set-Cookie", "other=1");
          res.set_header("Cache-Control", "no-cache");
          co_return res;
        },
        banners);
    router.add(
        "GET", "/api/untagged", [](web::Context&) -> Task<http::Response> { co_return http::Response::json("{}"); },
        banners);
    router.add(
        "GET", "/api/public-missing",
        [](web::Context& ctx) -> Task<http::Response> {
          ctx.tag(std::string_view("banners"));
          throw ApiError(404, "NotFoundError", "nothing here");
          co_return http::Response{};
        },
        banners);
    // Not declared public, though it tries to be.
    router.add("GET", "/api/private", [](web::Context& ctx) -> Task<http::Response> {
      ctx.tag(std::string_view("banners"));
      ctx.add_header("Set-Cookie", "sid=abc; Path=/");
      auto res = http::Response::json("{}");
      res.set_header("Cache-Control", "public, max-age=600");
      res.set_header("Cloudflare-CDN-Cache-Control", "public, max-age=600");
      res.set_header("Cache-Tag", "banners");
      co_return res;
    });
    cors = std::make_unique<security::CorsPolicy>(services->config);
    pipeline = std::make_unique<web::Pipeline>(*services, router);
    pipeline->add(std::make_unique<EdgeHeadersStage>(services->config, router));
    pipeline->add(std::make_unique<security::CorsStage>(*cors));
    pipeline->add(std::make_unique<security::HeadersStage>(true));
  }
  http::Response call(const std::string& method, const std::string& path, const http::HeaderList& headers = {}) {
    http::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.headers = headers;
    req.segments.push_back("api");
    req.segments.push_back(path.substr(5));
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, pipeline->handle(req), boost::asio::use_future);
    io.run();
    return fut.get();
  }
  std::string header(const http::Response& r, std::string_view name) {
    return std::string(r.find_header(name).value_or(""));
  }
  std::unique_ptr<web::Services> services;
  std::unique_ptr<security::CorsPolicy> cors;
  web::Router router;
  std::unique_ptr<web::Pipeline> pipeline;
};

TEST(EdgeHeadersStage, DeclaredPublicReadsGetTheEdgeHeaders) {
  Fixture f;
  for (const char* method : {"GET", "HEAD"}) {
    auto r = f.call(method, "/api/public");
    ASSERT_EQ(r.status, 200) << method;
    EXPECT_EQ(f.header(r, "Cache-Control"), "public, max-age=60") << method;
    EXPECT_EQ(f.header(r, "Cloudflare-CDN-Cache-Control"),
              "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400")
        << method;
    EXPECT_EQ(f.header(r, "Cache-Tag"), "banners");
    EXPECT_EQ(f.header(r, "Vary"), "Accept-Encoding");
    // Without the cache stage (CACHE_ENABLED=false) the ETag is the one it would send.
    EXPECT_EQ(f.header(r, "ETag"), strong_etag("{\"ok\":true}"));
    EXPECT_EQ(f.header(r, "X-Content-Type-Options"), "nosniff") << "security headers stay";
  }
}

TEST(EdgeHeadersStage, NoSetCookieOnACacheableResponse) {
  Fixture f;
  auto r = f.call("GET", "/api/public");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.find_header("Set-Cookie"), std::nullopt);
  // A private response keeps its cookies.
  auto p = f.call("GET", "/api/private");
  EXPECT_EQ(f.header(p, "Set-Cookie"), "sid=abc; Path=/");
}

TEST(EdgeHeadersStage, PublicCorsIsTheSameForEveryCaller) {
  Fixture f;
  const std::string listed = f.services->config.frontend_url;
  for (const http::HeaderList& h : {http::HeaderList{}, http::HeaderList{{"origin", listed}},
                                    http::HeaderList{{"origin", "https://elsewhere.example"}}}) {
    auto r = f.call("GET", "/api/public", h);
    EXPECT_EQ(f.header(r, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(r.find_header("Access-Control-Allow-Credentials"), std::nullopt);
    EXPECT_EQ(f.header(r, "Vary"), "Accept-Encoding") << "not Origin: Cloudflare ignores it";
  }
  // Private responses keep the per-origin policy.
  auto p = f.call("GET", "/api/private", {{"origin", listed}});
  EXPECT_EQ(f.header(p, "Access-Control-Allow-Origin"), listed);
  EXPECT_EQ(f.header(p, "Access-Control-Allow-Credentials"), "true");
}

TEST(EdgeHeadersStage, EverythingElseIsPrivateNoStore) {
  Fixture f;
  auto expect_private = [&](const http::Response& r, const std::string& what) {
    EXPECT_EQ(f.header(r, "Cache-Control"), "private, no-store") << what;
    EXPECT_EQ(r.find_header("Cloudflare-CDN-Cache-Control"), std::nullopt) << what;
    EXPECT_EQ(r.find_header("Cache-Tag"), std::nullopt) << what;
  };
  expect_private(f.call("GET", "/api/private"), "not declared public, whatever its handler says");
  expect_private(f.call("GET", "/api/untagged"), "public but nothing to purge it by");
  auto missing = f.call("GET", "/api/public-missing");
  EXPECT_EQ(missing.status, 404);
  expect_private(missing, "an error of a public route");
  expect_private(f.call("POST", "/api/public"), "no such route: 404");
  expect_private(f.call("OPTIONS", "/api/public",
                        {{"origin", f.services->config.frontend_url}, {"access-control-request-method", "GET"}}),
                 "preflight");
}

}  // namespace
}  // namespace wh::cache
