// Lock-free primitives of the metrics module: a counter, a gauge and a
// histogram with fixed bucket bounds. Any thread may update them while
// another reads them; a reader sees every update made before it started and
// possibly some made during the read.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace wh::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets `value <= bound` for ascending finite
// bounds, plus the implicit +Inf bucket, and keeps their sum. NaN is ignored.
class Histogram {
 public:
  // Throws std::invalid_argument unless `bounds` is non-empty, finite and
  // strictly ascending.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (== count)
    std::uint64_t count = 0;
    double sum = 0;
    // Estimated q-quantile (0..1) by linear interpolation inside the bucket,
    // as PromQL's histogram_quantile does; 0 without observations, the
    // highest finite bound when it falls in the +Inf bucket.
    double quantile(double q) const;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

// Bounds in seconds for request, load and wait durations: 0.5 ms to 10 s.
const std::vector<double>& latency_buckets();

}  // namespace wh::metrics
