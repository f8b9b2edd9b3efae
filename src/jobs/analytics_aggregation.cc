// analytics_aggregation (old: daily at 00:00, three `create`s for
// yesterday, so a second run hit the unique (date, metric) key and a missed
// night was never filled): recomputes the last JOB_ANALYTICS_AGGREGATION_DAYS
// (3) completed UTC days, by one set-based upsert per run:
//   revenue_daily        total of paid, not cancelled orders created that day
//   orders_daily         orders created that day, not cancelled
//   new_customers_daily  customers who registered that day
// Idempotent: a rerun rewrites only values that changed (late payments,
// cancellations) and keeps each row's id; rows = rows inserted or changed.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

constexpr const char* kSql =
    "INSERT INTO analytics AS a (id, date, metric, value, created_at)"
    " SELECT wh_new_id(), d.day, m.metric, m.value, " WH_JOB_NOW
    " FROM generate_series(1, $1::int) AS back(n)"
    " CROSS JOIN LATERAL (SELECT (" WH_JOB_NOW
    "::date - back.n) AS day) d"
    " CROSS JOIN LATERAL (SELECT"
    " COALESCE(sum(o.total) FILTER (WHERE o.payment_status = 'paid'), 0) AS revenue, count(*) AS orders"
    " FROM orders o WHERE o.created_at >= d.day AND o.created_at < d.day + 1 AND o.status <> 'cancelled') o"
    " CROSS JOIN LATERAL (SELECT count(*) AS customers FROM users u"
    " WHERE u.created_at >= d.day AND u.created_at < d.day + 1 AND u.role = 'customer') u"
    " CROSS JOIN LATERAL (VALUES ('revenue_daily', o.revenue::numeric), ('orders_daily', o.orders::numeric),"
    " ('new_customers_daily', u.customers::numeric)) AS m(metric, value)"
    " ON CONFLICT (date, metric) DO UPDATE SET value = EXCLUDED.value WHERE a.value IS DISTINCT FROM EXCLUDED.value";

Task<JobResult> run(JobContext& ctx) {
  db::Params params{ctx.knob("DAYS", 3)};
  auto r = co_await ctx.db.query(kSql, std::move(params));
  JobResult out;
  out.rows = r.affected();
  co_return out;
}

}  // namespace

JobSpec analytics_aggregation_job() {
  return make_job("analytics_aggregation", "Upserts daily revenue, orders and new customers of the last completed days",
                  std::chrono::hours(1), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
