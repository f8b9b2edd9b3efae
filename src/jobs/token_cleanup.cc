// token_cleanup (old: sessionCleanupJob, daily at 02:00): deletes expired
// rows of blacklisted_tokens (10 minutes after expiry, as the change
// listener's own cleanup), password_reset_tokens and
// email_verification_tokens, each in batches of JOB_TOKEN_CLEANUP_BATCH
// (the expires_at indexes find them). Refresh tokens are JWTs: a spent one
// is a blacklisted_tokens row, deleted here once it has expired.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

constexpr const char* kRevoked =
    "DELETE FROM blacklisted_tokens WHERE id IN (SELECT id FROM blacklisted_tokens"
    " WHERE expires_at < " WH_SQL_NOW " - interval '10 minutes' LIMIT $1)";
constexpr const char* kReset =
    "DELETE FROM password_reset_tokens WHERE id IN (SELECT id FROM password_reset_tokens"
    " WHERE expires_at < " WH_SQL_NOW " LIMIT $1)";
constexpr const char* kVerification =
    "DELETE FROM email_verification_tokens WHERE id IN (SELECT id FROM email_verification_tokens"
    " WHERE expires_at < " WH_SQL_NOW " LIMIT $1)";

Task<JobResult> run(JobContext& ctx) {
  const long long batch = ctx.knob("BATCH", 1000);
  JobResult r;
  r.rows += co_await in_batches(ctx, kRevoked, batch);
  r.rows += co_await in_batches(ctx, kReset, batch);
  r.rows += co_await in_batches(ctx, kVerification, batch);
  co_return r;
}

}  // namespace

JobSpec token_cleanup_job() {
  return make_job("token_cleanup", "Deletes expired revoked tokens, password-reset and e-mail verification tokens",
                  std::chrono::hours(1), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
