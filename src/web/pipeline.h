// Turns a parsed request into a response: the ordered stages, the route
// handler, error envelopes, query-accounting headers, the access log line
// and the per-route metrics (every response, also one a stage gave before
// routing, counts under the route the request matches). Never throws.
#pragma once
#include <memory>
#include <vector>

#include "core/task.h"
#include "http/message.h"
#include "web/router.h"
#include "web/services.h"
#include "web/stage.h"

namespace wh::metrics {
class HttpMetrics;
}

namespace wh::web {

class Pipeline {
 public:
  Pipeline(Services& services, const Router& router) : services_(services), router_(router) {}

  // Appends a stage; call before the first request.
  void add(std::unique_ptr<Stage> stage) { stages_.push_back(std::move(stage)); }
  const std::vector<std::unique_ptr<Stage>>& stages() const { return stages_; }
  // Where per-route metrics go (none when never set); call before the first request.
  void set_metrics(metrics::HttpMetrics* m) { metrics_ = m; }

  Task<http::Response> handle(http::Request& req) const;

 private:
  Task<http::Response> run(Context& ctx) const;
  Services& services_;
  const Router& router_;
  std::vector<std::unique_ptr<Stage>> stages_;
  metrics::HttpMetrics* metrics_ = nullptr;
};

}  // namespace wh::web
