// Histograms, label families and the registry's rendering.
#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wh::metrics {
namespace {

TEST(HistogramTest, BoundsMustBeFiniteAndAscending) {
  EXPECT_THROW(Histogram({}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

TEST(HistogramTest, SnapshotIsCumulativeAndCountEqualsTheInfBucket) {
  Histogram h({1, 2, 4});
  for (double v : {0.5, 1.5, 1.5, 3.0, 9.0, 9.0}) h.observe(v);
  h.observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 3, 4, 6}));
  EXPECT_EQ(s.count, 6u);
  EXPECT_DOUBLE_EQ(s.sum, 24.5);
}

TEST(HistogramTest, QuantilesInterpolateInsideTheBucket) {
  Histogram h({1, 2});
  EXPECT_EQ(h.snapshot().quantile(0.5), 0);
  for (int i = 0; i < 4; ++i) h.observe(1.5);  // all in (1, 2]
  EXPECT_DOUBLE_EQ(h.snapshot().quantile(0.5), 1.5);
  EXPECT_DOUBLE_EQ(h.snapshot().quantile(1.0), 2.0);
  for (int i = 0; i < 100; ++i) h.observe(50);  // beyond the last bound
  EXPECT_DOUBLE_EQ(h.snapshot().quantile(0.99), 2.0);
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram h(latency_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) h.observe(0.001 * (i % 7));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.snapshot().count, 40000u);
}

TEST(RegistryTest, FamiliesKeepOneChildPerLabelTuple) {
  Registry r;
  auto& c = r.counter("wh_things_total", "Things.", {"kind", "size"});
  c.with({"a", "big"}).inc();
  c.with({"a", "big"}).inc(2);
  c.with({"b", "small"}).inc();
  EXPECT_EQ(c.with({"a", "big"}).value(), 3u);
  EXPECT_THROW(c.with({"a"}), std::invalid_argument);
  EXPECT_EQ(r.render(),
            "# HELP wh_things_total Things.\n# TYPE wh_things_total counter\n"
            "wh_things_total{kind=\"a\",size=\"big\"} 3\n"
            "wh_things_total{kind=\"b\",size=\"small\"} 1\n");
}

TEST(RegistryTest, NamesAreCheckedAndUnique) {
  Registry r;
  r.gauge("wh_g", "g");
  EXPECT_THROW(r.gauge("wh_g", "again"), std::invalid_argument);
  EXPECT_THROW(r.counter("wh bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("wh_x_total", "x", {"__name"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("wh_h", "x", {}, {3, 1}), std::invalid_argument);
}

TEST(RegistryTest, RendersRegisteredFamiliesThenCollectors) {
  Registry r;
  r.gauge("wh_up", "Up.").with({}).set(1);
  auto& h = r.histogram("wh_wait_seconds", "Wait.", {}, {0.5});
  h.with({}).observe(0.25);
  r.collect([](TextWriter& w) {
    w.family("wh_collected", "From elsewhere.", Type::kGauge);
    w.sample({}, 2.5);
  });
  EXPECT_EQ(r.render(),
            "# HELP wh_up Up.\n# TYPE wh_up gauge\nwh_up 1\n"
            "# HELP wh_wait_seconds Wait.\n# TYPE wh_wait_seconds histogram\n"
            "wh_wait_seconds_bucket{le=\"0.5\"} 1\nwh_wait_seconds_bucket{le=\"+Inf\"} 1\n"
            "wh_wait_seconds_sum 0.25\nwh_wait_seconds_count 1\n"
            "# HELP wh_collected From elsewhere.\n# TYPE wh_collected gauge\nwh_collected 2.5\n");
}

}  // namespace
}  // namespace wh::metrics
