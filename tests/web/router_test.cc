#include "web/router.h"

#include <gtest/gtest.h>

namespace wh::web {
namespace {

http::Request make(std::string method, std::vector<std::string> segments) {
  http::Request r;
  r.method = std::move(method);
  r.segments = std::move(segments);
  return r;
}

Task<http::Response> respond(std::string body) {
  http::Response r;
  r.body = std::move(body);
  co_return r;
}

TEST(RouterTest, LiteralSegmentsWinOverCaptures) {
  Router router;
  int hit = 0;
  router.add("GET", "/api/products/:id", [&](Context&) {
    hit = 1;
    return respond("id");
  });
  router.add("GET", "/api/products/search", [&](Context&) {
    hit = 2;
    return respond("search");
  });
  Services services{Config{}};
  auto req = make("GET", {"api", "products", "search"});
  Context ctx(req, services);
  const Route* r = router.match(req, ctx);
  ASSERT_NE(r, nullptr);
  (void)r->handler(ctx);
  EXPECT_EQ(hit, 2);
  EXPECT_EQ(r->pattern, "/api/products/search");
  EXPECT_EQ(ctx.route, r);
  EXPECT_TRUE(ctx.path_params.empty());
}

TEST(RouterTest, CapturesPathParameters) {
  Router router;
  router.add("GET", "/api/products/:id/variants", [](Context&) { return respond(""); });
  Services services{Config{}};
  auto req = make("GET", {"api", "products", "abc123", "variants"});
  Context ctx(req, services);
  ASSERT_NE(router.match(req, ctx), nullptr);
  EXPECT_EQ(ctx.param("id"), "abc123");
  EXPECT_EQ(ctx.param("missing"), "");
}

TEST(RouterTest, MethodAndLengthMustMatch) {
  Router router;
  router.add("GET", "/api/banners", [](Context&) { return respond(""); });
  Services services{Config{}};
  auto post = make("POST", {"api", "banners"});
  Context c1(post, services);
  EXPECT_EQ(router.match(post, c1), nullptr);
  auto longer = make("GET", {"api", "banners", "x"});
  Context c2(longer, services);
  EXPECT_EQ(router.match(longer, c2), nullptr);
  auto head = make("HEAD", {"api", "banners"});
  Context c3(head, services);
  EXPECT_NE(router.match(head, c3), nullptr) << "HEAD is served by the GET route";
}

TEST(RouterTest, RecordsTheMatchedPatternNotThePath) {
  Router router;
  router.add("GET", "/api/products/:id/variants", [](Context&) { return respond(""); });
  router.add("GET", "/api/products/search", [](Context&) { return respond(""); });
  Services services{Config{}};
  auto req = make("GET", {"api", "products", "abc123", "variants"});
  Context ctx(req, services);
  ASSERT_NE(router.match(req, ctx), nullptr);
  ASSERT_NE(ctx.route, nullptr);
  EXPECT_EQ(ctx.route->pattern, "/api/products/:id/variants");
  auto other = make("GET", {"api", "nothing"});
  Context none(other, services);
  EXPECT_EQ(router.match(other, none), nullptr);
  EXPECT_EQ(none.route, nullptr);
}

}  // namespace
}  // namespace wh::web
