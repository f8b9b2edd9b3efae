// The stage chain on a hand-built pipeline: order, early answers, errors and
// the response pass.
#include "web/pipeline.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace wh::web {
namespace {

// Records what it saw; answers or throws when told to.
class Probe final : public Stage {
 public:
  enum class Act { kContinue, kAnswer, kThrow };
  Probe(std::string label, std::vector<std::string>& trace, Act act = Act::kContinue, bool async = false)
      : label_(std::move(label)), trace_(trace), act_(act), async_(async) {}
  std::string_view name() const override { return label_; }
  bool waits() const override { return async_; }
  std::optional<http::Response> on_request(Context& ctx) override {
    trace_.push_back("in:" + label_);
    if (act_ == Act::kThrow) throw ApiError(403, "ForbiddenError", "refused by " + label_);
    if (act_ == Act::kAnswer) return http::Response::json("{\"by\":\"" + label_ + "\"}", 202);
    return std::nullopt;
  }
  Task<std::optional<http::Response>> on_request_async(Context& ctx) override {
    trace_.push_back("async:" + label_);
    co_return on_request(ctx);
  }
  void on_response(Context& ctx, http::Response& res) override {
    trace_.push_back("out:" + label_);
    res.set_header("X-Last-Out", label_);
  }

 private:
  std::string label_;
  std::vector<std::string>& trace_;
  Act act_;
  bool async_;
};

struct Fixture {
  Fixture() {
    Config c;
    c.access_log = false;
    services = std::make_unique<Services>(c);
    router.add("GET", "/api/thing", [this](Context&) -> Task<http::Response> {
      trace.push_back("handler");
      co_return http::Response::json("{}");
    });
    pipeline = std::make_unique<Pipeline>(*services, router);
  }
  http::Response get(std::string path) {
    http::Request req;
    req.method = "GET";
    req.path = path;
    for (std::size_t i = 1, j; i < path.size(); i = j + 1) {
      j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      req.segments.push_back(path.substr(i, j - i));
    }
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, pipeline->handle(req), boost::asio::use_future);
    io.run();
    return fut.get();
  }
  std::vector<std::string> trace;
  std::unique_ptr<Services> services;
  Router router;
  std::unique_ptr<Pipeline> pipeline;
};

TEST(PipelineTest, StagesRunInOrderThenTheRouteThenResponsesInReverse) {
  Fixture f;
  f.pipeline->add(std::make_unique<Probe>("a", f.trace));
  f.pipeline->add(std::make_unique<Probe>("b", f.trace, Probe::Act::kContinue, true));
  f.pipeline->add(std::make_unique<Probe>("c", f.trace));
  auto res = f.get("/api/thing");
  EXPECT_EQ(res.status, 200);
  std::vector<std::string> want{"in:a", "async:b", "in:b", "in:c", "handler", "out:c", "out:b", "out:a"};
  EXPECT_EQ(f.trace, want);
  EXPECT_EQ(res.find_header("X-Last-Out"), std::optional<std::string_view>("a"));
}

TEST(PipelineTest, AnEarlyAnswerSkipsLaterStagesAndTheHandlerButNotTheResponsePass) {
  Fixture f;
  f.pipeline->add(std::make_unique<Probe>("a", f.trace));
  f.pipeline->add(std::make_unique<Probe>("b", f.trace, Probe::Act::kAnswer));
  f.pipeline->add(std::make_unique<Probe>("c", f.trace));
  auto res = f.get("/api/thing");
  EXPECT_EQ(res.status, 202);
  EXPECT_EQ(res.body.view(), R"({"by":"b"})");
  std::vector<std::string> want{"in:a", "in:b", "out:c", "out:b", "out:a"};
  EXPECT_EQ(f.trace, want);
}

TEST(PipelineTest, AStageRefusalBecomesTheErrorEnvelope) {
  Fixture f;
  f.pipeline->add(std::make_unique<Probe>("a", f.trace, Probe::Act::kThrow));
  f.pipeline->add(std::make_unique<Probe>("b", f.trace));
  auto res = f.get("/api/thing");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(res.body.view(), R"({"success":false,"error":{"type":"ForbiddenError","message":"refused by a"}})");
  std::vector<std::string> want{"in:a", "out:b", "out:a"};
  EXPECT_EQ(f.trace, want);
}

TEST(PipelineTest, UnknownRouteIs404AfterAllStages) {
  Fixture f;
  f.pipeline->add(std::make_unique<Probe>("a", f.trace));
  auto res = f.get("/api/nothing");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.view().find("Route GET /api/nothing not found"), std::string_view::npos);
  std::vector<std::string> want{"in:a", "out:a"};
  EXPECT_EQ(f.trace, want);
}

TEST(PipelineTest, HeadersAddedByHandlersContextReachTheResponse) {
  Fixture f;
  f.router.add("GET", "/api/with-header", [](Context& ctx) -> Task<http::Response> {
    ctx.add_header("X-Extra", "1");
    ctx.add_header("X-Extra", "2");
    throw ApiError(429, "TooManyRequestsError", "slow down");
    co_return http::Response{};
  });
  auto res = f.get("/api/with-header");
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(res.find_header("x-extra"), std::optional<std::string_view>("2"));
}

}  // namespace
}  // namespace wh::web
