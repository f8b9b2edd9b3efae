// Per-route request metrics as the pipeline records them: the route pattern
// (never the raw path), "unmatched", answers given by a stage, statements
// and N+1 detections.
#include "metrics/http_metrics.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "web/pipeline.h"

namespace wh::metrics {
namespace {

// Answers every request itself with 429 (as the rate limit stage would).
class Refuse final : public web::Stage {
 public:
  std::string_view name() const override { return "refuse"; }
  std::optional<http::Response> on_request(web::Context&) override { return http::Response::json("{}", 429); }
};

struct Fixture {
  Fixture() : services(Config{}), http(registry), pipeline(services, router) {
    services.config.access_log = false;
    router.add("GET", "/api/products/:id", [](web::Context& ctx) -> Task<http::Response> {
      // Stands in for a handler that ran one statement 5 times.
      for (int i = 0; i < 5; ++i) ctx.stats.record("SELECT 1", 10, 0);
      co_return http::Response::json("{}");
    });
    pipeline.set_metrics(&http);
  }
  int get(std::string method, std::vector<std::string> segments) {
    http::Request req;
    req.method = std::move(method);
    req.segments = std::move(segments);
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, pipeline.handle(req), boost::asio::use_future);
    io.run();
    return fut.get().status;
  }

  web::Services services;
  Registry registry;
  HttpMetrics http;
  web::Router router;
  web::Pipeline pipeline;
};

// The rendered line for `series` (e.g. `wh_x{a="b"}`), or "" when absent.
std::string line_of(const std::string& text, const std::string& series) {
  auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "";
  auto end = text.find('\n', at + 1);
  return text.substr(at + 1, end - at - 1);
}

TEST(HttpMetricsTest, CountsByRoutePatternMethodAndStatus) {
  Fixture f;
  f.get("GET", {"api", "products", "p1"});
  f.get("GET", {"api", "products", "p2"});
  f.get("HEAD", {"api", "products", "p3"});
  EXPECT_EQ(f.get("GET", {"api", "nope"}), 404);
  EXPECT_EQ(f.get("BREW", {"api", "nope"}), 404);
  const std::string text = f.registry.render();
  EXPECT_EQ(line_of(text, R"(wh_http_requests_total{method="GET",route="/api/products/:id",status="200"})"),
            R"(wh_http_requests_total{method="GET",route="/api/products/:id",status="200"} 2)");
  EXPECT_NE(line_of(text, R"(wh_http_requests_total{method="HEAD",route="/api/products/:id",status="200"})"), "");
  EXPECT_NE(line_of(text, R"(wh_http_requests_total{method="GET",route="unmatched",status="404"})"), "");
  EXPECT_NE(line_of(text, R"(wh_http_requests_total{method="OTHER",route="unmatched",status="404"})"), "");
  EXPECT_EQ(text.find("p1"), std::string::npos) << "raw paths never become labels";
  EXPECT_EQ(line_of(text, R"(wh_http_request_duration_seconds_count{method="GET",route="/api/products/:id"})"),
            R"(wh_http_request_duration_seconds_count{method="GET",route="/api/products/:id"} 2)");
  EXPECT_EQ(
      line_of(text, R"(wh_http_request_duration_seconds_bucket{method="GET",route="/api/products/:id",le="+Inf"})"),
      R"(wh_http_request_duration_seconds_bucket{method="GET",route="/api/products/:id",le="+Inf"} 2)");
  EXPECT_EQ(line_of(text, R"(wh_http_db_statements_total{route="/api/products/:id"})"),
            R"(wh_http_db_statements_total{route="/api/products/:id"} 15)");
  EXPECT_EQ(line_of(text, R"(wh_http_n_plus_one_total{route="/api/products/:id"})"),
            R"(wh_http_n_plus_one_total{route="/api/products/:id"} 3)");
}

TEST(HttpMetricsTest, AnAnswerFromAStageCountsUnderTheMatchedRoute) {
  Fixture f;
  f.pipeline.add(std::make_unique<Refuse>());
  EXPECT_EQ(f.get("GET", {"api", "products", "p1"}), 429);
  const std::string text = f.registry.render();
  EXPECT_NE(line_of(text, R"(wh_http_requests_total{method="GET",route="/api/products/:id",status="429"})"), "");
  EXPECT_EQ(text.find("n_plus_one_total{"), std::string::npos) << "the handler never ran";
}

}  // namespace
}  // namespace wh::metrics
