// The job scheduler against a real database, with several scheduler
// instances (each as one server process has: its own loop, pool and lease
// owner): each due run happens once whoever asks, a job never overlaps
// itself, a failure or a timeout is recorded and the next run still comes,
// a job that is off never runs, and a run left by a dead instance is closed.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>

#include "jobs/scheduler_instance.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;
using jobs::JobContext;
using jobs::JobResult;
using jobs::JobSpec;

JobSpec job(const std::string& name, std::chrono::seconds interval, std::chrono::seconds timeout, jobs::JobFn run) {
  JobSpec s;
  s.name = name;
  s.description = name;
  s.interval = interval;
  s.timeout = timeout;
  s.retry = 200ms;
  s.run = std::move(run);
  return s;
}

// The shortest time between two starts of `name`, in seconds.
double min_gap(const std::string& db, const std::string& name) {
  return std::stod(sql(db,
                       "SELECT COALESCE(min(gap), 999) FROM (SELECT extract(epoch FROM started_at - lag(started_at)"
                       " OVER (ORDER BY started_at))::float8 AS gap FROM wh_job_runs WHERE job = '" +
                           name + "') g"));
}

TEST(JobSchedulerTest, TwoInstancesRunEachDueRunOnce) {
  ScratchDb db;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto make = [&] {
    auto i = std::make_unique<SchedulerInstance>(scheduler_config(db.name()));
    i->scheduler.add(job("tick", 1s, 10s, [calls](JobContext&) -> Task<JobResult> {
      ++*calls;
      co_await job_sleep(50ms);
      co_return JobResult{1, ""};
    }));
    return i;
  };
  auto a = make();
  auto b = make();
  a->start();
  b->start();
  std::this_thread::sleep_for(3500ms);
  a->stop();
  b->stop();
  // Due at 0, 1, 2 and 3 s: four runs (three if the first look came late).
  EXPECT_GE(calls->load(), 3);
  EXPECT_LE(calls->load(), 4);
  EXPECT_EQ(sql(db.name(), "SELECT count(*) FROM wh_job_runs WHERE job = 'tick' AND status = 'ok'"),
            std::to_string(calls->load()));
  EXPECT_GE(min_gap(db.name(), "tick"), 0.99) << "a run started before the previous one's interval had passed";
  EXPECT_EQ(sql(db.name(), "SELECT sum(rows_affected) FROM wh_job_runs WHERE job = 'tick'"),
            std::to_string(calls->load()));
}

TEST(JobSchedulerTest, AJobNeverOverlapsItself) {
  ScratchDb db;
  auto running = std::make_shared<std::atomic<int>>(0);
  auto most = std::make_shared<std::atomic<int>>(0);
  auto make = [&] {
    auto i = std::make_unique<SchedulerInstance>(scheduler_config(db.name()));
    i->scheduler.add(job("slow", 1s, 30s, [running, most](JobContext&) -> Task<JobResult> {
      int now = ++*running;
      int seen = most->load();
      while (now > seen && !most->compare_exchange_weak(seen, now)) {
      }
      co_await job_sleep(1500ms);  // longer than its interval
      --*running;
      co_return JobResult{};
    }));
    return i;
  };
  auto a = make();
  auto b = make();
  a->start();
  b->start();
  std::this_thread::sleep_for(4000ms);
  a->stop();
  b->stop();
  EXPECT_EQ(most->load(), 1) << "two runs of one job at once";
  EXPECT_GE(std::stoi(sql(db.name(), "SELECT count(*) FROM wh_job_runs WHERE job = 'slow'")), 2);
  EXPECT_GE(min_gap(db.name(), "slow"), 1.49) << "a run started while the previous one was running";
}

TEST(JobSchedulerTest, AFailureIsRecordedWithItsErrorAndTheNextRunStillHappens) {
  ScratchDb db;
  auto calls = std::make_shared<std::atomic<int>>(0);
  SchedulerInstance a(scheduler_config(db.name()));
  a.scheduler.add(job("flaky", 60s, 10s, [calls](JobContext&) -> Task<JobResult> {
    if (++*calls == 1) throw std::runtime_error("boom: the provider said no");
    co_return JobResult{2, ""};
  }));
  a.start();
  ASSERT_TRUE(auth::wait_until([&] { return calls->load() >= 2; }, 5s)) << "no retry after the failure";
  std::this_thread::sleep_for(300ms);
  a.stop();
  EXPECT_EQ(sql(db.name(),
                "SELECT string_agg(status || ':' || COALESCE(error, '') || ':' || rows_affected, ',' ORDER BY id)"
                " FROM wh_job_runs WHERE job = 'flaky'"),
            "failed:boom: the provider said no:0,ok::2");
  EXPECT_EQ(sql(db.name(), "SELECT last_status || ':' || failures FROM wh_jobs WHERE name = 'flaky'"), "ok:0");
  const std::string m = a.registry.render();
  EXPECT_NE(m.find("wh_job_runs_total{job=\"flaky\",status=\"failed\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("wh_job_runs_total{job=\"flaky\",status=\"ok\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("wh_job_last_success_timestamp_seconds{job=\"flaky\"}"), std::string::npos) << m;
  EXPECT_NE(m.find("wh_job_duration_seconds_count{job=\"flaky\"} 2"), std::string::npos) << m;
}

TEST(JobSchedulerTest, ARunPastItsTimeoutIsFailedAndTheNextWaitsForItsEnd) {
  ScratchDb db;
  auto expired_seen = std::make_shared<std::atomic<bool>>(false);
  SchedulerInstance a(scheduler_config(db.name()));
  a.scheduler.add(job("stuck", 1s, 1s, [expired_seen](JobContext& ctx) -> Task<JobResult> {
    co_await job_sleep(950ms);
    if (ctx.expired()) *expired_seen = true;  // told to stop before its timeout
    co_await job_sleep(1000ms);               // but it does not: 1.95 s in all
    co_return JobResult{};
  }));
  a.start();
  ASSERT_TRUE(auth::wait_until(
      [&] { return sql(db.name(), "SELECT count(*) FROM wh_job_runs WHERE job = 'stuck'") == "2"; }, 5s));
  a.stop();
  EXPECT_TRUE(expired_seen->load());
  EXPECT_EQ(sql(db.name(), "SELECT status || ':' || error FROM wh_job_runs WHERE job = 'stuck' ORDER BY id LIMIT 1"),
            "failed:timed out after 1 s");
  EXPECT_GE(min_gap(db.name(), "stuck"), 1.9) << "the next run started while the timed-out one still ran";
}

TEST(JobSchedulerTest, AJobThatIsOffNeverRunsAndJobsEnabledFalseRunsNothing) {
  ScratchDb db;
  auto on = std::make_shared<std::atomic<int>>(0);
  auto off = std::make_shared<std::atomic<int>>(0);
  auto count = [](std::shared_ptr<std::atomic<int>> n) {
    return [n](JobContext&) -> Task<JobResult> {
      ++*n;
      co_return JobResult{};
    };
  };
  Config c = scheduler_config(db.name());
  c.job_overrides["JOB_OFF_INTERVAL_S"] = 0;
  SchedulerInstance a(c);
  a.scheduler.add(job("on", 60s, 10s, count(on)));
  a.scheduler.add(job("off", 60s, 10s, count(off)));
  EXPECT_FALSE(a.scheduler.find("off")->enabled());
  a.start();
  ASSERT_TRUE(auth::wait_until([&] { return on->load() == 1; }, 5s));
  std::this_thread::sleep_for(300ms);
  a.stop();
  EXPECT_EQ(off->load(), 0);

  Config none = scheduler_config(db.name());
  none.jobs_enabled = false;
  SchedulerInstance b(none);
  b.scheduler.add(job("on", 1s, 10s, count(on)));
  b.start();
  std::this_thread::sleep_for(300ms);
  b.stop();
  EXPECT_EQ(on->load(), 1);
  EXPECT_EQ(
      sql(db.name(), "SELECT count(*) FROM wh_leases WHERE name = 'jobs' AND owner = '" + b.scheduler.owner() + "'"),
      "0");
}

TEST(JobSchedulerTest, ARunLeftByADeadInstanceIsClosedAndTheJobRunsAgain) {
  ScratchDb db;
  // An instance died while running "orphan": its mark expired, its run row
  // still says running.
  sql(db.name(),
      "INSERT INTO wh_jobs (name, last_started_at, running_owner, running_until)"
      " VALUES ('orphan', now() - interval '2 minutes', 'dead-host:1:x', now() - interval '1 second');"
      "INSERT INTO wh_job_runs (job, owner, started_at) VALUES ('orphan', 'dead-host:1:x', now() - interval '2 "
      "minutes')");
  auto calls = std::make_shared<std::atomic<int>>(0);
  SchedulerInstance a(scheduler_config(db.name()));
  a.scheduler.add(job("orphan", 60s, 10s, [calls](JobContext&) -> Task<JobResult> {
    ++*calls;
    co_return JobResult{};
  }));
  a.start();
  ASSERT_TRUE(auth::wait_until([&] { return calls->load() == 1; }, 5s));
  std::this_thread::sleep_for(200ms);
  a.stop();
  EXPECT_EQ(sql(db.name(), "SELECT string_agg(status || ':' || COALESCE(error, ''), ',' ORDER BY id) FROM wh_job_runs"),
            "failed:the instance running it stopped before it finished,ok:");
}

}  // namespace
}  // namespace wh::test
