// analytics_aggregation (old: daily at 00:00, three `create`s for
// yesterday, so a second run hit the unique (date, metric) key and a missed
// night was never filled): one set-based upsert per run of the `analytics`
// rows of the shop's calendar days (SHOP_TIME_ZONE, metadata {"tz": zone})
// from three days ago back JOB_ANALYTICS_AGGREGATION_DAYS (92: the
// dashboard's longest range and the three live days), plus every earlier day
// an order change marked (migration 0020), whose marks it clears:
//   revenue_daily        total of paid, not cancelled orders created that day
//   orders_daily         orders created that day, not cancelled
//   paid_orders_daily    of those, the paid ones (the sales trends' count)
//   new_customers_daily  customers who registered that day
// The dashboard's sales trends read these rows for unmarked days (see
// migration 0020 for why they are never stale). Idempotent: a rerun rewrites
// only values that changed and keeps each row's id; rows = rows inserted or
// changed.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

// $1 the shop's time zone, $2 the days. A mark is deleted only at the
// version read (a change committed meanwhile keeps its day marked).
constexpr const char* kSql = R"(
WITH p AS (SELECT $1::text AS tz, (now() AT TIME ZONE $1::text)::date AS today),
marks AS (SELECT day, version FROM wh_analytics_dirty_days),
days AS (
  SELECT p.today - k AS day FROM p, generate_series(3, $2::int + 2) AS k
  UNION SELECT m.day FROM marks m, p WHERE m.day <= p.today - 3),
bounds AS (
  SELECT days.day, (days.day::timestamp AT TIME ZONE p.tz AT TIME ZONE 'UTC') AS since,
         ((days.day + 1)::timestamp AT TIME ZONE p.tz AT TIME ZONE 'UTC') AS until
  FROM days, p),
vals AS (
  SELECT b.day, m.metric, m.value FROM bounds b
  CROSS JOIN LATERAL (
    SELECT COALESCE(sum(o.total) FILTER (WHERE o.payment_status = 'paid'), 0) AS revenue, count(*) AS orders,
           count(*) FILTER (WHERE o.payment_status = 'paid') AS paid
    FROM orders o WHERE o.created_at >= b.since AND o.created_at < b.until AND o.status <> 'cancelled') o
  CROSS JOIN LATERAL (
    SELECT count(*) AS customers FROM users u
    WHERE u.created_at >= b.since AND u.created_at < b.until AND u.role = 'customer') u
  CROSS JOIN LATERAL (VALUES ('revenue_daily', o.revenue::numeric), ('orders_daily', o.orders::numeric),
    ('paid_orders_daily', o.paid::numeric), ('new_customers_daily', u.customers::numeric)) AS m(metric, value)),
up AS (
  INSERT INTO analytics AS a (id, date, metric, value, metadata, created_at)
  SELECT wh_new_id(), v.day, v.metric, v.value, jsonb_build_object('tz', p.tz), (now() AT TIME ZONE 'UTC')
  FROM vals v, p
  ON CONFLICT (date, metric) DO UPDATE SET value = EXCLUDED.value, metadata = EXCLUDED.metadata
  WHERE a.value IS DISTINCT FROM EXCLUDED.value OR a.metadata IS DISTINCT FROM EXCLUDED.metadata
  RETURNING 1),
cleared AS (
  DELETE FROM wh_analytics_dirty_days x USING marks m, p
  WHERE x.day = m.day AND x.version = m.version AND m.day <= p.today - 3
  RETURNING 1)
SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM cleared))";

Task<JobResult> run(JobContext& ctx) {
  db::Params params{ctx.config.shop_time_zone, ctx.knob("DAYS", 92)};
  auto r = co_await ctx.db.query(kSql, std::move(params));
  JobResult out;
  out.rows = r.get_int(0, 0);
  co_return out;
}

}  // namespace

JobSpec analytics_aggregation_job() {
  return make_job("analytics_aggregation",
                  "Upserts the daily revenue, orders and new customers of completed days and of changed ones",
                  std::chrono::hours(1), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
