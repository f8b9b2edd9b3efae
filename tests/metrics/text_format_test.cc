// The Prometheus text writer: escaping, number forms, name checks and the
// one-family-once rule.
#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace wh::metrics {
namespace {

TEST(TextFormatTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  TextWriter w;
  w.family("wh_t", "t", Type::kGauge);
  std::vector<Label> labels{{"path", "a\\b\"c\nd"}, {"plain", "ok"}};
  w.sample(labels, std::uint64_t{7});
  EXPECT_EQ(w.text(), "# HELP wh_t t\n# TYPE wh_t gauge\nwh_t{path=\"a\\\\b\\\"c\\nd\",plain=\"ok\"} 7\n");
}

TEST(TextFormatTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  TextWriter w;
  w.family("wh_t_total", "line \"one\"\nback\\slash", Type::kCounter);
  EXPECT_EQ(w.text(), "# HELP wh_t_total line \"one\"\\nback\\\\slash\n# TYPE wh_t_total counter\n");
}

TEST(TextFormatTest, NumbersUseShortestFormsAndInfNaN) {
  auto num = [](double v) {
    std::string s;
    append_number(s, v);
    return s;
  };
  EXPECT_EQ(num(0.25), "0.25");
  EXPECT_EQ(num(3), "3");
  EXPECT_EQ(num(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(num(0.0005), "0.0005");
  EXPECT_EQ(num(-2.5), "-2.5");
  EXPECT_EQ(num(0), "0");
  EXPECT_EQ(num(1e-7), "1e-07");
  EXPECT_EQ(num(1e20), "1e+20");
  EXPECT_EQ(num(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(num(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(num(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(TextFormatTest, NamesFollowTheGrammar) {
  EXPECT_TRUE(valid_metric_name("wh_http:rate5m"));
  EXPECT_FALSE(valid_metric_name("1abc"));
  EXPECT_FALSE(valid_metric_name("wh-dash"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_TRUE(valid_label_name("route"));
  EXPECT_FALSE(valid_label_name("__reserved"));
  EXPECT_FALSE(valid_label_name("a:b"));

  TextWriter w;
  EXPECT_THROW(w.family("bad name", "x", Type::kGauge), std::invalid_argument);
  w.family("wh_ok", "x", Type::kGauge);
  std::vector<Label> bad{{"bad-label", "v"}};
  EXPECT_THROW(w.sample(bad, 1.0), std::invalid_argument);
}

TEST(TextFormatTest, AFamilyIsWrittenOnceAndSamplesNeedOne) {
  TextWriter w;
  EXPECT_THROW(w.sample({}, 1.0), std::logic_error);
  w.family("wh_once", "x", Type::kGauge);
  EXPECT_THROW(w.family("wh_once", "x", Type::kGauge), std::logic_error);
}

TEST(TextFormatTest, HistogramLinesAreCumulativeWithInfSumAndCount) {
  Histogram h({0.25, 1});
  h.observe(0.125);
  h.observe(0.25);  // "less than or equal": still the first bucket
  h.observe(0.5);
  h.observe(7);
  TextWriter w;
  w.family("wh_d_seconds", "d", Type::kHistogram);
  std::vector<Label> labels{{"route", "/a"}};
  w.histogram(labels, h.snapshot());
  EXPECT_EQ(w.text(),
            "# HELP wh_d_seconds d\n# TYPE wh_d_seconds histogram\n"
            "wh_d_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"
            "wh_d_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
            "wh_d_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
            "wh_d_seconds_sum{route=\"/a\"} 7.875\n"
            "wh_d_seconds_count{route=\"/a\"} 4\n");
  TextWriter g;
  g.family("wh_g", "g", Type::kGauge);
  EXPECT_THROW(g.histogram({}, h.snapshot()), std::logic_error);
}

}  // namespace
}  // namespace wh::metrics
