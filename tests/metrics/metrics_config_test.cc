// The metrics settings read from the environment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "core/config.h"
#include "metrics/server_metrics.h"

namespace wh {
namespace {

class MetricsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"METRICS_TOKEN", "METRICS_HIT_RATE_WINDOW_S", "METRICS_HIT_RATE_MIN_LOOKUPS",
                          "METRICS_HIT_RATE_WARN_PERCENT"}) {
      const char* old = std::getenv(v);
      saved_[v] = old ? std::optional<std::string>(old) : std::nullopt;
      unsetenv(v);
    }
  }
  void TearDown() override {
    for (const auto& [k, v] : saved_) {
      if (v) {
        setenv(k.c_str(), v->c_str(), 1);
      } else {
        unsetenv(k.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(MetricsConfigTest, DefaultsAndValues) {
  auto defaults = metrics::hit_rate_options(Config::from_env());
  EXPECT_EQ(defaults.window, std::chrono::minutes(5));
  EXPECT_EQ(defaults.min_lookups, 200u);
  EXPECT_DOUBLE_EQ(defaults.warn_below, 0.70);
  EXPECT_EQ(Config::from_env().metrics_token, "");

  setenv("METRICS_TOKEN", "0123456789abcdef", 1);
  setenv("METRICS_HIT_RATE_WINDOW_S", "60", 1);
  setenv("METRICS_HIT_RATE_MIN_LOOKUPS", "50", 1);
  setenv("METRICS_HIT_RATE_WARN_PERCENT", "90", 1);
  Config c = Config::from_env();
  EXPECT_EQ(c.metrics_token, "0123456789abcdef");
  EXPECT_TRUE(c.cache_overrides.empty()) << "not mistaken for CACHE_<INSTANCE>_* settings";
  auto o = metrics::hit_rate_options(c);
  EXPECT_EQ(o.window, std::chrono::seconds(60));
  EXPECT_EQ(o.min_lookups, 50u);
  EXPECT_DOUBLE_EQ(o.warn_below, 0.90);
}

TEST_F(MetricsConfigTest, AShortTokenOrAPercentOver100IsRefused) {
  setenv("METRICS_TOKEN", "short", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  unsetenv("METRICS_TOKEN");
  setenv("METRICS_HIT_RATE_WARN_PERCENT", "101", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
}

}  // namespace
}  // namespace wh
