// Per-route request metrics, recorded by the pipeline once per response:
// counts by method, route pattern and status code, a latency histogram by
// method and route, the database statements each route runs and its N+1
// detections. Labels come from bounded sets only: the route's pattern
// ("unmatched" when no route matched), a known method or "OTHER", and the
// status code.
#pragma once
#include <string_view>

#include "metrics/registry.h"

namespace wh::metrics {

inline constexpr std::string_view kUnmatchedRoute = "unmatched";

class HttpMetrics {
 public:
  explicit HttpMetrics(Registry& registry);

  // `route` is the matched pattern, "" when none matched.
  void record(std::string_view method, std::string_view route, int status, double seconds, int statements,
              bool n_plus_one);

 private:
  CounterFamily& requests_;
  HistogramFamily& duration_;
  CounterFamily& statements_;
  CounterFamily& n_plus_one_;
};

}  // namespace wh::metrics
