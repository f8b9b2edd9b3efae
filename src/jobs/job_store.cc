#include "jobs/job_store.h"

#include <boost/json.hpp>

#include "admin/activity_log.h"
#include "db/db.h"

namespace wh::jobs {

namespace json = boost::json;

namespace {

// The jobs as a jsonb parameter: [{name, description, iv, tmo, retry, ord}]
// with seconds as numbers; read by jsonb_to_recordset (kSpecs).
std::string specs_param(const std::vector<JobSpec>& specs, bool enabled_only) {
  json::array out;
  int ord = 0;
  for (const auto& s : specs) {
    ++ord;
    if (enabled_only && !s.enabled()) continue;
    out.push_back(json::object{{"name", s.name},
                               {"description", s.description},
                               {"iv", static_cast<double>(s.interval.count())},
                               {"tmo", static_cast<double>(s.timeout.count())},
                               {"retry", static_cast<double>(s.retry.count()) / 1000.0},
                               {"ord", ord}});
  }
  return json::serialize(out);
}

#define WH_SPECS \
  "jsonb_to_recordset($1::jsonb) AS c(name text, description text, iv float8, tmo float8, retry float8, ord int)"

// When job j (with c's interval and retry) is next due: its interval after
// its last start, or after failures its retry delay doubling per failure
// (at most the interval); at once when never run or requested.
#define WH_DUE_AT(iv, retry)                                                                           \
  "(CASE WHEN j.run_requested OR j.last_started_at IS NULL THEN '-infinity'::timestamptz"              \
  " ELSE j.last_started_at + make_interval(secs => CASE WHEN j.failures > 0 THEN LEAST(" iv ", " retry \
  " * 2 ^ LEAST(j.failures - 1, 30)) ELSE " iv " END) END)"

constexpr const char* kEnsureSql =
    "INSERT INTO wh_jobs (name) SELECT c.name FROM " WH_SPECS " ON CONFLICT (name) DO NOTHING";

constexpr const char* kWaitingSql =
    "SELECT c.name, extract(epoch FROM GREATEST(" WH_DUE_AT("c.iv", "c.retry")
    ", COALESCE(j.running_until, '-infinity'::timestamptz), now()) - now())::float8"
    " FROM " WH_SPECS " JOIN wh_jobs j USING (name) ORDER BY c.ord";

// $1 name, $2 owner, $3 interval, $4 retry (s), $5 running for (s).
constexpr const char* kClaimSql =
    "WITH claimed AS (UPDATE wh_jobs j SET last_started_at = now(), running_owner = $2,"
    " running_until = now() + make_interval(secs => $5::float8), run_requested = false"
    " WHERE j.name = $1 AND (j.running_until IS NULL OR j.running_until <= now())"
    " AND " WH_DUE_AT("$3::float8", "$4::float8")
    " <= now() RETURNING j.name)"
    " INSERT INTO wh_job_runs (job, owner, started_at) SELECT name, $2, now() FROM claimed RETURNING id";

// $1 run id, $2 job, $3 owner, $4 status, $5 rows, $6 error, $7 release.
constexpr const char* kFinishSql =
    "WITH closed AS (UPDATE wh_job_runs SET finished_at = clock_timestamp(), status = $4, rows_affected = $5,"
    " error = $6 WHERE id = $1 AND status = 'running' RETURNING job)"
    " UPDATE wh_jobs j SET"
    " last_finished_at = CASE WHEN EXISTS (SELECT 1 FROM closed) THEN clock_timestamp() ELSE j.last_finished_at END,"
    " last_status = CASE WHEN EXISTS (SELECT 1 FROM closed) THEN $4 ELSE j.last_status END,"
    " failures = CASE WHEN NOT EXISTS (SELECT 1 FROM closed) THEN j.failures WHEN $4 = 'ok' THEN 0"
    " ELSE j.failures + 1 END,"
    " running_owner = CASE WHEN $7::bool AND j.running_owner = $3 THEN NULL ELSE j.running_owner END,"
    " running_until = CASE WHEN $7::bool AND j.running_owner = $3 THEN NULL ELSE j.running_until END"
    " WHERE j.name = $2";

constexpr const char* kReleaseSql =
    "UPDATE wh_jobs SET running_owner = NULL, running_until = NULL WHERE name = $1 AND running_owner = $2";

constexpr const char* kExtendSql =
    "UPDATE wh_jobs SET running_until = now() + make_interval(secs => $3::float8)"
    " WHERE name = $1 AND running_owner = $2";

constexpr const char* kReapSql =
    "UPDATE wh_job_runs r SET status = 'failed', finished_at = clock_timestamp(),"
    " error = 'the instance running it stopped before it finished'"
    " WHERE r.status = 'running' AND NOT EXISTS (SELECT 1 FROM wh_jobs j WHERE j.name = r.job"
    " AND j.running_owner = r.owner AND j.running_until > now())";

constexpr const char* kPruneSql =
    "DELETE FROM wh_job_runs WHERE id IN (SELECT id FROM wh_job_runs"
    " WHERE started_at < now() - make_interval(days => $1::int) ORDER BY started_at LIMIT 1000)";

// $1 the job, $2 the admin activity parameter (admin/activity_log.h).
constexpr const char* kRequestSql =
    "WITH u AS (UPDATE wh_jobs SET run_requested = true WHERE name = $1 RETURNING name), " WH_ADMIN_ACTIVITY(
        "u", "$2") " SELECT count(*) FROM u";

#define WH_ISO(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

// $1 specs (all), $2 recent runs per job.
constexpr const char* kListSql =
    "SELECT json_build_object('jobs', COALESCE(json_agg(json_build_object("
    "'name', c.name, 'description', c.description, 'enabled', c.iv > 0,"
    " 'intervalSeconds', c.iv, 'timeoutSeconds', c.tmo,"
    " 'running', COALESCE(j.running_until > now(), false),"
    " 'runningOn', CASE WHEN j.running_until > now() THEN j.running_owner END,"
    " 'lastStartedAt', " WH_ISO("j.last_started_at") ", 'lastFinishedAt', " WH_ISO("j.last_finished_at")
    ", 'lastStatus', j.last_status, 'consecutiveFailures', COALESCE(j.failures, 0),"
    " 'runRequested', COALESCE(j.run_requested, false),"
    " 'nextRunAt', CASE WHEN c.iv > 0 THEN " WH_ISO("GREATEST(now(), " WH_DUE_AT("c.iv", "c.retry") ")")
    " END,"
    " 'recentRuns', (SELECT COALESCE(json_agg(json_build_object('id', r.id, 'startedAt', " WH_ISO("r.started_at")
    ", 'finishedAt', " WH_ISO("r.finished_at")
    ", 'status', r.status, 'rowsAffected', r.rows_affected, 'error', r.error, 'instance', r.owner,"
    " 'durationMs', round(extract(epoch FROM r.finished_at - r.started_at) * 1000)::bigint)"
    " ORDER BY r.started_at DESC, r.id DESC), '[]'::json)"
    " FROM (SELECT * FROM wh_job_runs WHERE job = c.name ORDER BY started_at DESC, id DESC LIMIT $2::int) r)"
    ") ORDER BY c.ord), '[]'::json))::text"
    " FROM " WH_SPECS " LEFT JOIN wh_jobs j USING (name)";

#undef WH_ISO
#undef WH_DUE_AT
#undef WH_SPECS

std::string seconds(double s) { return std::to_string(s); }

}  // namespace

Task<void> ensure_jobs(db::Db& db, const std::vector<JobSpec>& specs) {
  db::Params p{specs_param(specs, false)};
  co_await db.query(kEnsureSql, std::move(p));
}

Task<std::vector<Waiting>> waiting_times(db::Db& db, const std::vector<JobSpec>& specs) {
  db::Params p{specs_param(specs, true)};
  auto r = co_await db.query(kWaitingSql, std::move(p));
  std::vector<Waiting> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({std::string(r.get(i, 0)), r.is_null(i, 1) ? 0.0 : std::stod(std::string(r.get(i, 1)))});
  }
  co_return out;
}

Task<std::optional<long long>> claim_run(db::Db& db, const JobSpec& spec, const std::string& owner,
                                         std::chrono::milliseconds window) {
  db::Params p{spec.name, owner, seconds(static_cast<double>(spec.interval.count())),
               seconds(static_cast<double>(spec.retry.count()) / 1000.0),
               seconds(static_cast<double>(window.count()) / 1000.0)};
  auto r = co_await db.query(kClaimSql, std::move(p));
  if (r.empty()) co_return std::nullopt;
  co_return r.get_int(0, 0);
}

Task<void> finish_run(db::Db& db, long long run_id, const std::string& job, const std::string& owner, bool ok,
                      long long rows, const std::string& error, bool release) {
  std::optional<std::string> err;
  if (!ok) err = error;
  db::Params p{run_id, job, owner, ok ? "ok" : "failed", rows, err, release};
  co_await db.query(kFinishSql, std::move(p));
}

Task<void> release_run(db::Db& db, const std::string& job, const std::string& owner) {
  db::Params p{job, owner};
  co_await db.query(kReleaseSql, std::move(p));
}

Task<void> extend_run(db::Db& db, const std::string& job, const std::string& owner, std::chrono::milliseconds window) {
  db::Params p{job, owner, seconds(static_cast<double>(window.count()) / 1000.0)};
  co_await db.query(kExtendSql, std::move(p));
}

Task<long long> tidy_history(db::Db& db, int days) {
  co_await db.query(kReapSql);
  db::Params p{days};
  auto r = co_await db.query(kPruneSql, std::move(p));
  co_return r.affected();
}

Task<bool> request_run(db::Db& db, const std::string& job, const std::string& activity) {
  db::Params p{job, activity};
  auto r = co_await db.query(kRequestSql, std::move(p));
  co_return r.get_int(0, 0) > 0;
}

Task<std::string> jobs_json(db::Db& db, const std::vector<JobSpec>& specs, int recent) {
  db::Params p{specs_param(specs, false), recent};
  auto r = co_await db.query(kListSql, std::move(p));
  co_return std::string(r.get(0, 0));
}

}  // namespace wh::jobs
