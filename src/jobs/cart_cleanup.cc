// cart_cleanup (old: abandoned-cart cleanup, daily at 02:30, deleted user
// and guest carts idle for 7 days): deletes guest carts (and, by cascade,
// their items) not touched for JOB_CART_CLEANUP_DAYS (7), in batches of
// JOB_CART_CLEANUP_BATCH. A cart is touched when it or one of its items
// changes. Signed-in shoppers' carts are kept: they are their account's
// cart and feed the abandoned-cart e-mail.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

constexpr const char* kSql =
    "DELETE FROM guest_carts WHERE id IN (SELECT g.id FROM guest_carts g"
    " WHERE g.updated_at < " WH_SQL_NOW
    " - make_interval(days => $2::int)"
    " AND NOT EXISTS (SELECT 1 FROM guest_cart_items i WHERE i.cart_id = g.id"
    " AND i.updated_at >= " WH_SQL_NOW " - make_interval(days => $2::int)) LIMIT $1)";

Task<JobResult> run(JobContext& ctx) {
  JobResult r;
  db::Params extra{ctx.knob("DAYS", 7)};
  r.rows = co_await in_batches(ctx, kSql, ctx.knob("BATCH", 500), std::move(extra));
  co_return r;
}

}  // namespace

JobSpec cart_cleanup_job() {
  return make_job("cart_cleanup", "Deletes guest carts idle for 7 days", std::chrono::hours(24),
                  std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
