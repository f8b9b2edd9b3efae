// The scheduler's variables: JOBS_* and per-job JOB_<NAME>_* overrides.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "jobs/jobs.h"

namespace wh::jobs {
namespace {

class JobConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v : {"JOBS_ENABLED", "JOBS_TICK_MS", "JOBS_HISTORY_DAYS", "JOB_LOW_STOCK_ALERT_INTERVAL_S",
                          "JOB_TOKEN_CLEANUP_TIMEOUT_S", "JOB_TOKEN_CLEANUP_INTERVAL_S"}) {
      unsetenv(v);
    }
  }
};

TEST_F(JobConfigTest, DefaultsAndOverrides) {
  Config d = Config::from_env();
  EXPECT_TRUE(d.jobs_enabled);
  EXPECT_EQ(d.jobs_tick, std::chrono::milliseconds(15000));
  EXPECT_EQ(d.jobs_history_days, 30);
  EXPECT_EQ(configured(token_cleanup_job(), d).interval, std::chrono::hours(1));

  setenv("JOBS_ENABLED", "false", 1);
  setenv("JOBS_TICK_MS", "250", 1);
  setenv("JOB_LOW_STOCK_ALERT_INTERVAL_S", "0", 1);
  setenv("JOB_TOKEN_CLEANUP_TIMEOUT_S", "7", 1);
  Config c = Config::from_env();
  EXPECT_FALSE(c.jobs_enabled);
  EXPECT_EQ(c.jobs_tick, std::chrono::milliseconds(250));
  EXPECT_FALSE(configured(low_stock_alert_job(), c).enabled());
  EXPECT_EQ(configured(token_cleanup_job(), c).timeout, std::chrono::seconds(7));
  EXPECT_EQ(configured(token_cleanup_job(), c).interval, std::chrono::hours(1));
  EXPECT_EQ(env_prefix("abandoned_cart_email"), "JOB_ABANDONED_CART_EMAIL_");
}

TEST_F(JobConfigTest, ABadValueNamesItsVariable) {
  setenv("JOB_TOKEN_CLEANUP_INTERVAL_S", "hourly", 1);
  try {
    (void)Config::from_env();
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("JOB_TOKEN_CLEANUP_INTERVAL_S"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wh::jobs
