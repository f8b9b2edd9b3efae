// A background job as the scheduler (scheduler.h) runs it: a name, how
// often, how long it may take, and a function doing one run.
//
// A run is one call of `run`. It returns how many rows it changed (or
// sent), or throws: the message is the run's error (status 'failed').
// Work must be set-based and batched (batches.h) so that a big backlog
// never holds locks for long, and safe to repeat: a run cut short by its
// timeout or a crash is simply done again by the next one.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/task.h"
#include "db/db.h"
#include "web/services.h"

namespace wh::jobs {

struct JobResult {
  long long rows = 0;  // rows changed, e-mails queued, rates saved ...
  std::string note;    // optional, for the log ("rates are fresh", "no admin to notify")
};

class JobContext {
 public:
  using Clock = std::chrono::steady_clock;
  // `deadline`: when expired() turns true; `stopping`: also true when it
  // says so (the instance shuts down).
  JobContext(web::Services& services, std::string name, Clock::time_point deadline,
             std::function<bool()> stopping = nullptr)
      : services(services),
        config(services.config),
        db(*services.pool, nullptr),
        name_(std::move(name)),
        deadline_(deadline),
        stopping_(std::move(stopping)) {}

  web::Services& services;
  const Config& config;
  db::Db db;  // the pool, without request accounting

  const std::string& name() const { return name_; }
  // The run's timeout is near (the scheduler leaves a tenth of it, at most
  // 5 s) or the instance stops: stop between batches; the next run
  // continues.
  bool expired() const;
  // JOB_<NAME>_<knob> (e.g. knob "BATCH" of job "cart_cleanup" is
  // JOB_CART_CLEANUP_BATCH), or `fallback`.
  long long knob(std::string_view knob, long long fallback) const;

 private:
  std::string name_;
  Clock::time_point deadline_;
  std::function<bool()> stopping_;
};

using JobFn = std::function<Task<JobResult>(JobContext&)>;

struct JobSpec {
  std::string name;                        // lower_snake_case; its variables are JOB_<NAME>_*
  std::string description;                 // one line, for GET /api/admin/jobs
  std::chrono::seconds interval{3600};     // JOB_<NAME>_INTERVAL_S; 0 = the job is off
  std::chrono::seconds timeout{300};       // JOB_<NAME>_TIMEOUT_S
  std::chrono::milliseconds retry{60000};  // after a failure: this, doubling per failure, at most `interval`
  JobFn run;
  bool enabled() const { return interval.count() > 0; }
};

// A job with the default retry.
JobSpec make_job(std::string name, std::string description, std::chrono::seconds interval, std::chrono::seconds timeout,
                 JobFn run);

// "JOB_TOKEN_CLEANUP_" for "token_cleanup".
std::string env_prefix(std::string_view name);

// `spec` with its JOB_<NAME>_INTERVAL_S and JOB_<NAME>_TIMEOUT_S applied.
JobSpec configured(JobSpec spec, const Config& config);

}  // namespace wh::jobs
