// low_stock_alert (old: daily at 09:00, one e-mail listing every variant
// with stock <= 5, the same ones again every day): tells the admins once per
// crossing. A variant whose stock falls to JOB_LOW_STOCK_ALERT_THRESHOLD
// (5) or below is recorded in wh_low_stock_alerts and alerted; it is
// alerted again only after its stock went back above the threshold (the
// record is then deleted) and fell again. Each run:
//   1. re-arms: deletes records of variants no longer low (restocked,
//      deactivated or deleted);
//   2. in batches of JOB_LOW_STOCK_ALERT_BATCH (100) new crossings, one
//      statement each: records them, gives every active admin one
//      admin_low_stock notification and queues one lowStockAlert e-mail to
//      ADMIN_EMAIL (else EMAIL_FROM) listing them (mail outbox, docs/mail.md).
// rows = variants alerted.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

#define WH_LOW "v.is_active AND p.is_active AND v.stock <= $1::int"

constexpr const char* kRearmSql =
    "DELETE FROM wh_low_stock_alerts a WHERE NOT EXISTS (SELECT 1 FROM variants v"
    " JOIN products p ON p.id = v.product_id WHERE v.id = a.variant_id AND " WH_LOW ")";

// $1 threshold, $2 batch, $3 admin e-mail ('' = none), $4 inventory link.
constexpr const char* kAlertSql =
    "WITH crossed AS (INSERT INTO wh_low_stock_alerts (variant_id, stock)"
    " SELECT v.id, v.stock FROM variants v JOIN products p ON p.id = v.product_id WHERE " WH_LOW
    " AND NOT EXISTS (SELECT 1 FROM wh_low_stock_alerts a WHERE a.variant_id = v.id)"
    " ORDER BY v.stock, v.id LIMIT $2 ON CONFLICT (variant_id) DO NOTHING RETURNING variant_id, stock),"
    " listed AS (SELECT count(*) AS n, count(*) FILTER (WHERE c.stock <= 0) AS out_n,"
    " json_agg(json_build_object('product_name', p.name, 'sku', v.sku, 'stock', c.stock, 'threshold', $1::int)"
    " ORDER BY c.stock, v.sku) AS products,"
    " array_to_string((array_agg(v.sku ORDER BY c.stock, v.sku))[1:10], ', ')"
    " || CASE WHEN count(*) > 10 THEN ', ...' ELSE '' END AS skus"
    " FROM crossed c JOIN variants v ON v.id = c.variant_id JOIN products p ON p.id = v.product_id),"
    " notified AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
    " SELECT wh_new_id(), u.id, 'admin_low_stock', 'Low stock: ' || l.n || ' variant(s)',"
    " l.n || ' variant(s) at or below ' || $1::int || ' in stock (' || l.out_n || ' out of stock): ' || l.skus,"
    " '/admin/inventory', false, " WH_SQL_NOW ", " WH_SQL_NOW
    " + interval '30 days'"
    " FROM listed l CROSS JOIN users u WHERE l.n > 0 AND u.role IN ('admin', 'super_admin') AND u.is_active"
    " RETURNING 1),"
    " mailed AS (INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts,"
    " template_data, created_at)"
    " SELECT wh_new_id(), 'low_stock_alert', $3::text, 'Low Stock Alert - ' || l.n || ' Items', 'queued', 0, 3,"
    " jsonb_build_object('template', 'lowStockAlert', 'variables',"
    " jsonb_build_object('count', l.n, 'products', l.products, 'link', $4::text)), " WH_SQL_NOW
    " FROM listed l WHERE l.n > 0 AND $3::text <> '' RETURNING 1)"
    " SELECT (SELECT n FROM listed), (SELECT count(*) FROM notified), (SELECT count(*) FROM mailed)";

#undef WH_LOW

// ADMIN_EMAIL, or EMAIL_FROM as the old backend.
std::string admin_email(const Config& c) { return c.admin_email.empty() ? c.email_from : c.admin_email; }

Task<JobResult> run(JobContext& ctx) {
  const long long threshold = ctx.knob("THRESHOLD", 5);
  const long long batch = ctx.knob("BATCH", 100);
  db::Params rearm{threshold};
  co_await ctx.db.query(kRearmSql, std::move(rearm));
  JobResult out;
  long long notifications = 0;
  for (;;) {
    db::Params params{threshold, batch, admin_email(ctx.config), ctx.config.frontend_url + "/admin/inventory"};
    auto r = co_await ctx.db.query(kAlertSql, std::move(params));
    const long long alerted = r.get_int(0, 0);
    out.rows += alerted;
    notifications += r.get_int(0, 1);
    if (alerted < batch || ctx.expired()) break;
  }
  if (out.rows > 0 && notifications == 0) out.note = "no active admin to notify";
  co_return out;
}

}  // namespace

JobSpec low_stock_alert_job() {
  return make_job("low_stock_alert", "Alerts the admins once per variant whose stock falls to the threshold",
                  std::chrono::minutes(15), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
