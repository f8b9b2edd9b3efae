// notification_cleanup (old: weekly, read notifications older than 30 days;
// its daily expired-notification job was never wired): deletes read
// notifications older than JOB_NOTIFICATION_CLEANUP_DAYS (30) and any
// notification past its expires_at, in batches of
// JOB_NOTIFICATION_CLEANUP_BATCH.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

constexpr const char* kSql =
    "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications"
    " WHERE (is_read AND created_at < " WH_SQL_NOW
    " - make_interval(days => $2::int))"
    " OR expires_at < " WH_SQL_NOW " LIMIT $1)";

Task<JobResult> run(JobContext& ctx) {
  const long long batch = ctx.knob("BATCH", 1000);
  JobResult r;
  db::Params extra{ctx.knob("DAYS", 30)};
  r.rows = co_await in_batches(ctx, kSql, batch, std::move(extra));
  co_return r;
}

}  // namespace

JobSpec notification_cleanup_job() {
  return make_job("notification_cleanup", "Deletes read notifications older than 30 days and expired ones",
                  std::chrono::hours(24), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
