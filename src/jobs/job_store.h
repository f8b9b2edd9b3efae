// The statements of the job scheduler (migrations/0013): the shared
// schedule (wh_jobs) and the run history (wh_job_runs). Each is one short
// statement on a pooled connection, by the database's clock; nothing is
// held open while a job runs.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/task.h"
#include "jobs/job.h"

namespace wh::db {
class Db;
}

namespace wh::jobs {

// Creates the wh_jobs rows of `specs` that do not exist yet.
Task<void> ensure_jobs(db::Db& db, const std::vector<JobSpec>& specs);

struct Waiting {
  std::string name;
  double seconds = 0;  // until it is due and free (<= 0: now)
};
// For each enabled job of `specs`: how long until it may run here.
Task<std::vector<Waiting>> waiting_times(db::Db& db, const std::vector<JobSpec>& specs);

// Claims a run of `spec` for `owner` when it is due (or requested) and not
// running anywhere: marks it running for `window` (extend_run renews it)
// and opens its history row. Returns the run's id, or nullopt when it was
// not due or someone else claimed it first.
Task<std::optional<long long>> claim_run(db::Db& db, const JobSpec& spec, const std::string& owner,
                                         std::chrono::milliseconds window);

// Closes the history row `run_id` ('ok' or 'failed') unless it was closed
// already, and counts the job's consecutive failures; `release` also ends
// the job's running mark (held by `owner`).
Task<void> finish_run(db::Db& db, long long run_id, const std::string& job, const std::string& owner, bool ok,
                      long long rows, const std::string& error, bool release);
// Ends the running mark of `job` held by `owner` (a run that overran its
// timeout has finished at last).
Task<void> release_run(db::Db& db, const std::string& job, const std::string& owner);
// Keeps `job` marked running by `owner` for `window` more (its run is still
// in progress: nobody may start another).
Task<void> extend_run(db::Db& db, const std::string& job, const std::string& owner, std::chrono::milliseconds window);

// Marks history rows left 'running' by an instance that stopped as failed,
// and deletes rows older than `days` (at most 1000 a call). Returns rows
// deleted.
Task<long long> tidy_history(db::Db& db, int days);

// Asks for a run of `job` at the scheduler's next look, due or not, and
// records it in the admin activity log with `activity`
// (admin::activity_param(), action "job.run") in the same statement.
// Returns false when there is no such job row.
Task<bool> request_run(db::Db& db, const std::string& job, const std::string& activity);

// {"jobs":[{name, description, enabled, intervalSeconds, timeoutSeconds,
// running, runningOn, lastStartedAt, lastFinishedAt, lastStatus,
// consecutiveFailures, nextRunAt, recentRuns:[{id, startedAt, finishedAt,
// status, rowsAffected, error, durationMs, instance}]}]}: `recent` runs per
// job, newest first; built in PostgreSQL.
Task<std::string> jobs_json(db::Db& db, const std::vector<JobSpec>& specs, int recent);

}  // namespace wh::jobs
