// The jobs as the running server has them: GET /api/admin/jobs and a run
// on request (admins only), and two real server processes on one database
// running each due run once, also after one of them is killed.
#include <gtest/gtest.h>

#include <csignal>

#include "accounts/auth_test_support.h"
#include "jobs/job.h"
#include "support/child_server.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kStandardJobs = {
    "token_cleanup",        "notification_cleanup",     "cart_cleanup",  "analytics_aggregation",
    "low_stock_alert",      "abandoned_cart_email",     "back_in_stock", "milestones",
    "payment_verification", "unpaid_order_cancellation"};

TEST(JobsApiTest, AdminsListTheJobsAndAskForARun) {
  auth::AuthServer server;
  server.config.jobs_enabled = true;
  server.config.jobs_tick = 100ms;
  server.config.worker_lease_ttl = 1000ms;
  const auto count_runs = [&] { return server.qn("SELECT count(*) FROM wh_job_runs WHERE job = 'token_cleanup'"); };
  const std::string admin = server.tokens(auth::kAdminEmail, auth::kAdminPassword).first;
  // At start every job is due once (never run).
  ASSERT_TRUE(auth::wait_until(
      [&] {
        return server.qn("SELECT count(DISTINCT job) FROM wh_job_runs WHERE status <> 'running'") ==
               static_cast<long long>(kStandardJobs.size());
      },
      15s))
      << server.q("SELECT string_agg(job || ':' || status, ', ') FROM wh_job_runs");
  ASSERT_EQ(count_runs(), 1);

  auto r = server.get("/api/admin/jobs?runs=5", auth::bearer(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const auto& list = doc.at("data").at("jobs").as_array();
  ASSERT_EQ(list.size(), kStandardJobs.size()) << r.body;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& j = list[i].as_object();
    EXPECT_EQ(auth::str(j.at("name")), kStandardJobs[i]);
    EXPECT_TRUE(j.at("enabled").as_bool());
    EXPECT_EQ(auth::str(j.at("lastStatus")), "ok") << auth::str(j.at("name")) << ": " << r.body;
    ASSERT_EQ(j.at("recentRuns").as_array().size(), 1u);
    EXPECT_EQ(auth::str(j.at("recentRuns").as_array()[0].at("status")), "ok");
  }

  auto asked = HttpClient(server.port()).request("POST", "/api/admin/jobs/token_cleanup/run", "", auth::bearer(admin));
  EXPECT_EQ(asked.status, 202) << asked.body;
  EXPECT_TRUE(auth::wait_until([&] { return count_runs() == 2; }, 5s)) << "the requested run did not happen";
  EXPECT_EQ(server.q("SELECT string_agg(a.action || ':' || a.entity_type || ':' || a.entity_id || ':' || u.email, ',')"
                     " FROM admin_activities a JOIN users u ON u.id = a.admin_id"),
            "job.run:job:token_cleanup:" + std::string(auth::kAdminEmail));

  EXPECT_EQ(
      HttpClient(server.port()).request("POST", "/api/admin/jobs/no_such_job/run", "", auth::bearer(admin)).status,
      404);
  const std::string customer = server.tokens(server.verified_customer(), auth::kCustomerPassword).first;
  EXPECT_EQ(server.get("/api/admin/jobs", auth::bearer(customer)).status, 403);
  EXPECT_EQ(server.get("/api/admin/jobs").status, 401);
  EXPECT_EQ(
      HttpClient(server.port()).request("POST", "/api/admin/jobs/token_cleanup/run", "", auth::bearer(customer)).status,
      403);
}

TEST(JobsApiTest, TwoServerProcessesRunEachDueRunOnce) {
  ScratchDb db;
  std::map<std::string, std::string> env{{"JOBS_ENABLED", "true"},
                                         {"JOBS_TICK_MS", "100"},
                                         {"WORKER_LEASE_TTL_MS", "1000"},
                                         {"CURRENCY_API_URL", "off"},
                                         {"JOB_TOKEN_CLEANUP_INTERVAL_S", "1"}};
  for (const auto& name : kStandardJobs) {
    if (name != "token_cleanup") env[jobs::env_prefix(name) + "INTERVAL_S"] = "0";
  }
  ChildServer a(db.name(), env);
  ChildServer b(db.name(), env);
  const auto runs = [&] { return std::stoll(sql(db.name(), "SELECT count(*) FROM wh_job_runs")); };
  ASSERT_TRUE(auth::wait_until([&] { return runs() >= 4; }, 15s)) << a.log() << b.log();
  a.kill(SIGKILL);  // the holder or not: the runs go on
  const long long at_kill = runs();
  EXPECT_TRUE(auth::wait_until([&] { return runs() >= at_kill + 3; }, 15s)) << b.log();
  EXPECT_EQ(sql(db.name(), "SELECT string_agg(DISTINCT job, ',') FROM wh_job_runs"), "token_cleanup")
      << "a job that is off ran";
  const double gap = std::stod(sql(db.name(),
                                   "SELECT min(gap) FROM (SELECT extract(epoch FROM started_at - lag(started_at)"
                                   " OVER (ORDER BY started_at))::float8 AS gap FROM wh_job_runs) g"));
  EXPECT_GE(gap, 0.99) << "a due run ran twice: "
                       << sql(db.name(),
                              "SELECT string_agg(owner || '@' || started_at, ', ' ORDER BY id) FROM wh_job_runs");
}

}  // namespace
}  // namespace wh::test
