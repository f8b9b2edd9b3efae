// Who may read GET /metrics: a matching bearer METRICS_TOKEN, or a request
// whose socket peer and client IP are both loopback. Hand-built requests, so
// any peer address can be tried.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "cache/registry.h"
#include "metrics/routes.h"
#include "metrics/server_metrics.h"
#include "web/pipeline.h"

namespace wh::metrics {
namespace {

constexpr const char* kToken = "metrics-token-0123456789";

struct Scrape {
  explicit Scrape(std::string token) : services(config(std::move(token))), state(services, caches) {
    services.provide(caches);
    services.provide(state);
    register_routes(router);
  }
  static Config config(std::string token) {
    Config c;
    c.access_log = false;
    c.metrics_token = std::move(token);
    return c;
  }
  http::Response get(std::string peer, std::string client, std::string authorization = "") {
    http::Request req;
    req.method = "GET";
    req.path = "/metrics";
    req.segments = {"metrics"};
    req.peer_ip = std::move(peer);
    req.client_ip = std::move(client);
    if (!authorization.empty()) req.headers.emplace_back("authorization", std::move(authorization));
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, pipeline.handle(req), boost::asio::use_future);
    io.run();
    return fut.get();
  }

  web::Services services;
  cache::Registry caches;
  ServerMetrics state;
  web::Router router;
  web::Pipeline pipeline{services, router};
};

std::string error_type(const http::Response& r) {
  return std::string(boost::json::parse(r.body.view()).at("error").at("type").as_string());
}

TEST(MetricsAccessTest, LoopbackPeerAndClientMayScrapeWithoutAToken) {
  Scrape s("");
  for (auto ip : {"127.0.0.1", "::1", "::ffff:127.0.0.1", "127.8.9.10"}) {
    auto r = s.get(ip, ip);
    EXPECT_EQ(r.status, 200) << ip;
    EXPECT_EQ(r.content_type.view(), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.body.view().find("# TYPE wh_http_requests_total counter"), std::string_view::npos);
  }
}

TEST(MetricsAccessTest, WithoutATokenConfiguredOtherClientsGet403) {
  Scrape s("");
  auto remote = s.get("203.0.113.7", "203.0.113.7");
  EXPECT_EQ(remote.status, 403);
  EXPECT_EQ(error_type(remote), "ForbiddenError");
  // A proxy on loopback forwarding a remote client is not loopback.
  EXPECT_EQ(s.get("127.0.0.1", "203.0.113.7").status, 403);
  EXPECT_EQ(s.get("203.0.113.7", "127.0.0.1").status, 403);
  // No configured token: no bearer value opens it, the empty one included.
  EXPECT_EQ(s.get("203.0.113.7", "203.0.113.7", "Bearer ").status, 403);
}

TEST(MetricsAccessTest, TheBearerTokenOpensItFromAnywhere) {
  Scrape s(kToken);
  EXPECT_EQ(s.get("203.0.113.7", "203.0.113.7", std::string("Bearer ") + kToken).status, 200);
  EXPECT_EQ(s.get("203.0.113.7", "203.0.113.7", std::string("bearer ") + kToken).status, 200);

  auto missing = s.get("203.0.113.7", "203.0.113.7");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_type(missing), "UnauthorizedError");
  EXPECT_EQ(missing.find_header("WWW-Authenticate"), std::optional<std::string_view>("Bearer"));
  EXPECT_EQ(s.get("203.0.113.7", "203.0.113.7", std::string("Bearer ") + kToken + "x").status, 401);
  EXPECT_EQ(s.get("203.0.113.7", "203.0.113.7", std::string("Basic ") + kToken).status, 401);
  EXPECT_EQ(s.get("127.0.0.1", "203.0.113.7", "Bearer wrong").status, 401);
  // Loopback still needs no token.
  EXPECT_EQ(s.get("127.0.0.1", "127.0.0.1").status, 200);
}

}  // namespace
}  // namespace wh::metrics
