// The one scheduler of the background jobs (job.h; the list: jobs.h;
// docs/jobs.md). Every instance runs one; the instance holding the "jobs"
// lease (db/worker_lease.h) runs the jobs, the others only watch the lease
// and take over when its holder stops renewing it.
//
// Why one lease for the scheduler rather than one per job: a lease is only
// the right to look at the schedule; what makes each due run happen once
// is the claim (job_store.h): one UPDATE of the job's wh_jobs row that
// succeeds only while the run is due and no instance has it running, by the
// database's clock. So a due run is claimed exactly once even in the
// moment two instances both believe they hold the lease (a holder that
// stalled past its ttl), or right after a takeover (the new holder sees the
// last start in wh_jobs and does not run it again). One lease costs one
// renewal statement per WORKER_LEASE_TTL_MS/3 for all jobs instead of one
// per job, and the jobs are light enough for one instance. Both the lease
// and the claims are single statements: nothing is held in a transaction
// or a session lock, so they work through a transaction pooler.
//
// While it holds the lease the scheduler, in a loop on its strand:
// - asks how long until each enabled job is due (waiting_times);
// - claims each due job that is not already running here and starts its
//   run (a coroutine on the same strand: the jobs are I/O-bound);
// - sleeps until the next job is due, a run ends, wake() or JOBS_TICK_MS;
// - marks runs older than JOBS_HISTORY_DAYS for deletion, and runs left
//   'running' by a stopped instance as failed.
// A claimed run is marked running for WORKER_LEASE_TTL_MS, and the mark is
// renewed at every look while the run is in progress here (with or without
// the lease), so the job never overlaps itself, here or on another
// instance, and a crashed instance's job is free again after that ttl (its
// history row is then closed as failed). A run that overruns its timeout
// is recorded as failed ("timed out") at once; the job's context reports
// expired() from a little before, so batched jobs stop between batches. A failed run is retried after the job's
// retry delay, doubling per consecutive failure up to its interval; the
// next run happens whatever the previous one did.
//
// Metrics: wh_job_runs_total{job,status}, wh_job_last_success_timestamp_seconds
// {job}, wh_job_duration_seconds{job}, wh_job_rows_total{job},
// wh_job_running{job}, wh_jobs_lease_held.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/task.h"
#include "core/wakeable_loop.h"
#include "jobs/job.h"
#include "metrics/registry.h"
#include "web/services.h"

namespace wh::db {
class WorkerLease;
}

namespace wh::jobs {

class Scheduler {
 public:
  // Registers its metrics in `registry`; uses services.pool, provided
  // before run().
  Scheduler(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Adds a job, with its JOB_<NAME>_* variables applied. Before run() only.
  void add(JobSpec spec);
  const std::vector<JobSpec>& jobs() const { return jobs_; }
  const JobSpec* find(const std::string& name) const;

  // Runs until stop(); returns at once with JOBS_ENABLED=false.
  Task<void> run();
  // Look at the schedule now (a run was requested). Any thread.
  void wake() { loop_.wake(); }
  // Ends run(): running jobs are asked to stop (their contexts report
  // expired()) and waited for, then their runs are closed and the lease
  // released; `done` is called once, after `max_wait` at the latest. Any
  // thread.
  void stop(std::chrono::milliseconds max_wait, std::function<void()> done) { loop_.stop(max_wait, std::move(done)); }

  bool enabled() const { return enabled_; }
  const std::string& owner() const { return owner_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Flight {
    long long run_id = 0;
    Clock::time_point timeout_at;
    bool timed_out = false;
    bool done = false;
  };
  Task<void> loop();
  // One look at the schedule; returns how long to sleep.
  Task<std::chrono::milliseconds> step(db::WorkerLease& lease);
  Task<void> execute(const JobSpec& spec, long long run_id);
  // Keeps the running mark of every run in progress here (timed out or
  // not) for mark_window() more, and records the ones past their timeout.
  Task<void> keep_marks();
  std::chrono::milliseconds mark_window() const;
  Task<void> close_on_stop();
  void record(const std::string& job, bool ok, double seconds, long long rows);

  web::Services& services_;
  const Config& config_;
  bool enabled_;
  std::string owner_;
  WakeableLoop loop_;
  std::vector<JobSpec> jobs_;
  std::map<std::string, Flight> flights_;  // runs in progress here (strand only)
  Clock::time_point next_tidy_{};
  bool ensured_ = false;

  metrics::CounterFamily& runs_;
  metrics::GaugeFamily& last_success_;
  metrics::HistogramFamily& duration_;
  metrics::CounterFamily& rows_;
  metrics::GaugeFamily& running_;
  metrics::Gauge& lease_held_;
};

}  // namespace wh::jobs
