// milestones (old: milestoneService, checked after every order; the
// defaults seeded at boot; resetDailyMilestones existed but was never
// scheduled, so a daily_sales milestone was celebrated once ever):
//   - seeds the default milestones (order_count 10, 50, 100, 500, 1000;
//     daily_sales 1000, 5000, 10000 cedis) when missing;
//   - re-arms daily_sales milestones reached before today (UTC);
//   - marks reached, and notifies every active admin once (admin_milestone,
//     the old texts), each milestone whose threshold the current value
//     meets: order_count = orders not cancelled; daily_sales = today's
//     paid, not cancelled orders' total.
// One transaction; rows = milestones reached by this run.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

constexpr const char* kSeedSql =
    "INSERT INTO admin_milestones (id, type, threshold, current_value, is_reached, notified_admins, created_at)"
    " SELECT wh_new_id(), m.type, m.threshold, 0, false, false, " WH_SQL_NOW
    " FROM (VALUES ('order_count', 10), ('order_count', 50), ('order_count', 100), ('order_count', 500),"
    " ('order_count', 1000), ('daily_sales', 1000), ('daily_sales', 5000), ('daily_sales', 10000))"
    " AS m(type, threshold) ON CONFLICT (type, threshold) DO NOTHING";

constexpr const char* kRearmSql =
    "UPDATE admin_milestones SET is_reached = false, current_value = 0, notified_admins = false, reached_at = NULL"
    " WHERE type = 'daily_sales' AND is_reached AND reached_at < " WH_SQL_NOW "::date";

constexpr const char* kReachSql =
    "WITH now_values AS ("
    " SELECT 'order_count' AS type, (SELECT count(*) FROM orders WHERE status <> 'cancelled')::numeric AS value"
    " UNION ALL SELECT 'daily_sales', (SELECT COALESCE(sum(total), 0) FROM orders WHERE payment_status = 'paid'"
    " AND status <> 'cancelled' AND created_at >= " WH_SQL_NOW
    "::date)),"
    " reached AS (UPDATE admin_milestones m SET is_reached = true, reached_at = " WH_SQL_NOW
    ", current_value = n.value, notified_admins = true FROM now_values n"
    " WHERE m.type = n.type AND NOT m.is_reached AND m.threshold <= n.value"
    " RETURNING m.type, m.threshold, m.current_value),"
    " notified AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
    " SELECT wh_new_id(), u.id, 'admin_milestone', 'Milestone Achieved! 🎊',"
    " CASE r.type WHEN 'order_count' THEN '🎉 ' || trim_scale(r.current_value) || ' orders processed!'"
    " ELSE '💰 Daily sales hit ₵' || trim_scale(r.current_value) || '!' END,"
    " '/admin/dashboard', false, " WH_SQL_NOW ", " WH_SQL_NOW
    " + interval '30 days'"
    " FROM reached r CROSS JOIN users u WHERE u.role IN ('admin', 'super_admin') AND u.is_active RETURNING 1)"
    " SELECT (SELECT count(*) FROM reached), (SELECT count(*) FROM notified)";

Task<JobResult> run(JobContext& ctx) {
  JobResult out;
  co_await ctx.db.transaction([&](db::Tx& tx) -> Task<void> {
    co_await tx.query(kSeedSql);
    co_await tx.query(kRearmSql);
    auto r = co_await tx.query(kReachSql);
    out.rows = r.get_int(0, 0);
  });
  co_return out;
}

}  // namespace

JobSpec milestones_job() {
  return make_job("milestones", "Marks order-count and daily-sales milestones reached and notifies the admins",
                  std::chrono::minutes(5), std::chrono::minutes(2), run);
}

}  // namespace wh::jobs
