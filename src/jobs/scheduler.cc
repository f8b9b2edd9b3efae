#include "jobs/scheduler.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <cmath>

#include "core/log.h"
#include "db/db.h"
#include "db/worker_lease.h"
#include "jobs/job_store.h"

namespace wh::jobs {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr const char* kLeaseName = "jobs";
constexpr auto kTidyEvery = std::chrono::minutes(10);
// Sleep after the database could not be reached.
constexpr milliseconds kRetryDb{2000};

milliseconds until(std::chrono::steady_clock::time_point t) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(t - std::chrono::steady_clock::now()));
}

// The part of a run's timeout left when its context reports expired().
milliseconds stop_margin(seconds timeout) {
  return std::min<milliseconds>(std::chrono::duration_cast<milliseconds>(timeout) / 10, seconds(5));
}

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

std::vector<double> duration_buckets() { return {0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600}; }

}  // namespace

Scheduler::Scheduler(web::Services& services, metrics::Registry& registry, asio::any_io_executor ex)
    : services_(services),
      config_(services.config),
      enabled_(config_.jobs_enabled),
      owner_(db::worker_owner_id()),
      loop_(std::move(ex)),
      runs_(registry.counter("wh_job_runs_total", "Finished background job runs, by job and status (ok, failed).",
                             {"job", "status"})),
      last_success_(registry.gauge("wh_job_last_success_timestamp_seconds",
                                   "Unix time of the job's last successful run on this instance.", {"job"})),
      duration_(registry.histogram("wh_job_duration_seconds", "How long a background job run took.", {"job"},
                                   duration_buckets())),
      rows_(registry.counter("wh_job_rows_total", "Rows a background job changed (or e-mails it queued).", {"job"})),
      running_(registry.gauge("wh_job_running", "1 while a run of the job is in progress on this instance.", {"job"})),
      lease_held_(registry.gauge("wh_jobs_lease_held", "1 while this instance holds the jobs lease.").with({})) {}

void Scheduler::add(JobSpec spec) {
  spec = configured(std::move(spec), config_);
  if (find(spec.name) != nullptr) throw std::logic_error("job added twice: " + spec.name);
  jobs_.push_back(std::move(spec));
}

const JobSpec* Scheduler::find(const std::string& name) const {
  for (const auto& j : jobs_) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

Task<void> Scheduler::run() {
  if (!enabled_) {
    log::info("jobs: JOBS_ENABLED=false; this instance runs no background job");
    co_return;
  }
  for (const auto& [variable, value] : config_.job_overrides) {
    bool known = std::any_of(jobs_.begin(), jobs_.end(),
                             [&](const JobSpec& j) { return variable.rfind(env_prefix(j.name), 0) == 0; });
    if (!known) log::warn("jobs: a variable names no job", {{"variable", variable}});
  }
  co_await loop_.run([this] { return loop(); });
}

Task<void> Scheduler::loop() {
  db::WorkerLease lease(*services_.pool, kLeaseName, owner_, config_.worker_lease_ttl);
  while (!loop_.stopping()) {
    milliseconds wait = config_.jobs_tick;
    try {
      wait = std::min(wait, co_await step(lease));
    } catch (const std::exception& e) {
      wait = std::min(wait, kRetryDb);
      log::warn("jobs: the database cannot be reached", {{"error", e.what()}, {"retry_ms", wait.count()}});
    }
    if (lease.held()) wait = std::min(wait, until(lease.renew_due()));
    co_await loop_.sleep(wait);
  }
  co_await close_on_stop();
  co_await lease.release();
  lease_held_.set(0);
}

Task<milliseconds> Scheduler::step(db::WorkerLease& lease) {
  milliseconds wait = config_.jobs_tick;
  const bool held = co_await lease.keep();
  lease_held_.set(held ? 1 : 0);
  co_await keep_marks();
  for (const auto& [name, f] : flights_) {
    if (!f.timed_out) wait = std::min(wait, until(f.timeout_at));
  }
  if (!held) co_return std::min(wait, std::chrono::duration_cast<milliseconds>(lease.ttl() / 3));
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  if (!ensured_) {
    co_await ensure_jobs(db, jobs_);
    ensured_ = true;
  }
  if (Clock::now() >= next_tidy_) {
    co_await tidy_history(db, config_.jobs_history_days);
    next_tidy_ = Clock::now() + kTidyEvery;
  }
  auto waiting = co_await waiting_times(db, jobs_);
  auto ex = co_await asio::this_coro::executor;
  for (const auto& w : waiting) {
    if (flights_.count(w.name) != 0) continue;  // its end wakes the loop
    if (w.seconds > 0) {
      wait = std::min(wait, milliseconds(static_cast<long long>(std::ceil(w.seconds * 1000))));
      continue;
    }
    const JobSpec* spec = find(w.name);
    if (spec == nullptr) continue;
    const bool still_held = co_await lease.keep();
    if (loop_.stopping() || !still_held) break;
    auto run_id = co_await claim_run(db, *spec, owner_, mark_window());
    if (!run_id) continue;  // another instance was first, or it is running elsewhere
    flights_[spec->name] = Flight{*run_id, Clock::now() + spec->timeout, false, false};
    wait = std::min(wait, std::chrono::duration_cast<milliseconds>(spec->timeout));
    running_.with({spec->name}).set(1);
    asio::co_spawn(ex, execute(*spec, *run_id), asio::detached);
  }
  co_return wait;
}

std::chrono::milliseconds Scheduler::mark_window() const { return config_.worker_lease_ttl; }

Task<void> Scheduler::keep_marks() {
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  // A run that ends while this one awaits erases its flight: iterate over a
  // copy of the names and look each flight up again.
  std::vector<std::string> names;
  for (const auto& [name, f] : flights_) names.push_back(name);
  for (const auto& name : names) {
    auto it = flights_.find(name);
    if (it == flights_.end() || it->second.done) continue;
    const Flight f = it->second;
    const JobSpec* spec = find(name);
    if (!f.timed_out && Clock::now() >= f.timeout_at) {
      it->second.timed_out = true;
      const std::string error = "timed out after " + std::to_string(spec->timeout.count()) + " s";
      record(name, false, static_cast<double>(spec->timeout.count()), 0);
      log::warn("job timed out; it still runs and no other run starts until it returns",
                {{"job", name}, {"run_id", f.run_id}, {"timeout_s", spec->timeout.count()}});
      co_await finish_run(db, f.run_id, name, owner_, false, 0, error, false);
    }
    // Still running: keep it marked so that no instance starts another.
    co_await extend_run(db, name, owner_, mark_window());
  }
}

void Scheduler::record(const std::string& job, bool ok, double seconds_taken, long long rows) {
  runs_.with({job, ok ? "ok" : "failed"}).inc();
  duration_.with({job}).observe(seconds_taken);
  if (rows > 0) rows_.with({job}).inc(static_cast<std::uint64_t>(rows));
  if (ok) last_success_.with({job}).set(unix_now());
}

Task<void> Scheduler::execute(const JobSpec& spec, long long run_id) {
  const auto t0 = Clock::now();
  const auto deadline = t0 + spec.timeout - stop_margin(spec.timeout);
  JobContext ctx(services_, spec.name, deadline, [this] { return loop_.stopping(); });
  bool ok = false;
  JobResult result;
  std::string error;
  try {
    result = co_await spec.run(ctx);
    ok = true;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown error";
  }
  if (!ok && error.empty()) error = "failed without a message";
  const double taken = std::chrono::duration<double>(Clock::now() - t0).count();
  Flight& f = flights_[spec.name];
  f.done = true;
  boost::json::object fields{{"job", spec.name}, {"run_id", run_id}, {"rows", result.rows}, {"seconds", taken}};
  if (!result.note.empty()) fields["note"] = result.note;
  if (!ok) fields["error"] = error;
  if (f.timed_out) {
    log::warn("job returned after its timeout", fields);
  } else if (ok) {
    record(spec.name, true, taken, result.rows);
    log::info("job ran", fields);
  } else {
    record(spec.name, false, taken, 0);
    log::warn("job failed", fields);
  }
  try {
    db::Db db(*services_.pool, nullptr, db::Priority::background);
    if (f.timed_out) {
      co_await release_run(db, spec.name, owner_);
    } else {
      co_await finish_run(db, run_id, spec.name, owner_, ok, result.rows, error, true);
    }
  } catch (const std::exception& e) {
    // The run's mark expires by itself (its timeout + grace).
    log::warn("jobs: a run's end could not be recorded", {{"job", spec.name}, {"error", e.what()}});
  }
  flights_.erase(spec.name);
  running_.with({spec.name}).set(0);
  loop_.wake();
}

Task<void> Scheduler::close_on_stop() {
  // The running jobs see expired() and stop between batches; stop()'s
  // max_wait bounds this wait.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!flights_.empty()) {
    timer.expires_after(milliseconds(20));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace wh::jobs
