// back_in_stock (old: stockService.adjustStock was to send these when an
// admin adjustment took a variant from 0 to more, but that module imported
// a file that does not exist, so no alert was ever sent; guests could not
// subscribe at all): settles every pending alert (back_in_stock_alerts of
// signed-in shoppers, wh_guest_stock_alerts of guests: commerce/
// stock_alerts.h) whose variant is active, of an active product, with
// available stock (stock - reserved_stock > 0), however the stock came
// back (admin edit, cancelled order, expired reservation, old backend).
//
// Each batch (JOB_BACK_IN_STOCK_BATCH, 100 alerts of each table) is one
// statement: it claims the alerts (FOR UPDATE SKIP LOCKED, then
// notified = true, notified_at = now, only while still pending), queues one
// backInStock e-mail (type back_in_stock) per claimed alert and gives each
// signed-in shopper the old 'back_in_stock' notification, so the mark and
// the e-mail commit together and an alert is e-mailed exactly once, even
// with two runners. No e-mail (the alert is still settled) to an address
// that unsubscribed from all or from back-in-stock e-mails (email_preferences
// of that address, of the account with that address, or of the alert's
// user: the mail worker's rule, preferences.h), nor anything to a
// deactivated account. One e-mail per address and variant in a batch: an
// address subscribed both as a guest and signed in (two tables, no shared
// unique key) is e-mailed once. rows = alerts settled; the note counts the
// e-mails.
#include <string>

#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

#define WH_AVAILABLE                                                                                         \
  " JOIN variants v ON v.id = x.variant_id JOIN products p ON p.id = v.product_id WHERE NOT x.notified"      \
  " AND v.is_active AND p.is_active AND v.stock - v.reserved_stock > 0 ORDER BY x.created_at, x.id LIMIT $1" \
  " FOR UPDATE OF x SKIP LOCKED"

#define WH_PRODUCT_PATH "'/products/' || d.product_id || '?variant=' || d.variant_id"

// $1 batch (per table), $2 the storefront's URL.
constexpr const char* kSql =
    "WITH picked_users AS (SELECT x.id FROM back_in_stock_alerts x" WH_AVAILABLE
    "),"
    " claimed_users AS (UPDATE back_in_stock_alerts a SET notified = true, notified_at = " WH_SQL_NOW
    " FROM picked_users k WHERE a.id = k.id AND NOT a.notified RETURNING a.user_id, a.email, a.variant_id),"
    " picked_guests AS (SELECT x.id FROM wh_guest_stock_alerts x" WH_AVAILABLE
    "),"
    " claimed_guests AS (UPDATE wh_guest_stock_alerts g SET notified = true, notified_at = now()"
    " FROM picked_guests k WHERE g.id = k.id AND NOT g.notified"
    " RETURNING NULL::varchar AS user_id, g.email, g.variant_id),"
    " details AS (SELECT c.user_id, c.email, c.variant_id, p.id AS product_id, p.name,"
    " p.name || COALESCE(' (' || NULLIF(concat_ws(' / ', v.color, v.length, v.texture, v.size), '') || ')', '')"
    " AS product_name, CASE WHEN v.price > 0 THEN v.price ELSE p.base_price END AS price,"
    " COALESCE(v.images[1], p.images[1]) AS image, u.first_name, COALESCE(u.is_active, true) AS active"
    " FROM (SELECT * FROM claimed_users UNION ALL SELECT * FROM claimed_guests) c"
    " JOIN variants v ON v.id = c.variant_id JOIN products p ON p.id = v.product_id"
    " LEFT JOIN users u ON u.id = c.user_id),"
    " mailed AS (INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts,"
    " template_data, created_at)"
    " SELECT DISTINCT ON (lower(d.email), d.variant_id) wh_new_id(), 'back_in_stock', d.email,"
    " left(d.name || ' is Back in Stock!', 255), 'queued', 0, 3,"
    " jsonb_build_object('template', 'backInStock', 'variables', jsonb_build_object('name',"
    " COALESCE(NULLIF(d.first_name, ''), 'Valued Customer'), 'product_name', d.product_name,"
    " 'price', wh_money(d.price), 'stock_status', 'In Stock Now!', 'link', $2::text || " WH_PRODUCT_PATH
    ", 'product_image', d.image)), " WH_SQL_NOW
    " FROM details d WHERE d.active AND NOT EXISTS (SELECT 1 FROM email_preferences ep"
    " WHERE (lower(ep.email) = lower(d.email) OR ep.user_id = d.user_id"
    " OR ep.user_id = (SELECT id FROM users WHERE email = lower(d.email)))"
    " AND (ep.unsubscribed_from_all OR NOT ep.back_in_stock_emails)) RETURNING 1),"
    " noted AS (INSERT INTO notifications (id, user_id, type, title, message, link, is_read, created_at, expires_at)"
    " SELECT wh_new_id(), d.user_id, 'back_in_stock', left(d.name || ' is Back in Stock!', 255),"
    " 'The item you were waiting for is now available. Get it before it''s gone!', " WH_PRODUCT_PATH
    ", false, " WH_SQL_NOW ", " WH_SQL_NOW
    " + interval '30 days'"
    " FROM details d WHERE d.user_id IS NOT NULL AND d.active RETURNING 1)"
    " SELECT (SELECT count(*) FROM claimed_users), (SELECT count(*) FROM claimed_guests),"
    " (SELECT count(*) FROM mailed), (SELECT count(*) FROM noted)";

#undef WH_PRODUCT_PATH
#undef WH_AVAILABLE

Task<JobResult> run(JobContext& ctx) {
  const long long batch = ctx.knob("BATCH", 100);
  JobResult out;
  long long mailed = 0;
  for (;;) {
    db::Params params{batch, ctx.config.frontend_url};
    auto r = co_await ctx.db.query(kSql, std::move(params));
    const long long users = r.get_int(0, 0), guests = r.get_int(0, 1);
    out.rows += users + guests;
    mailed += r.get_int(0, 2);
    if ((users < batch && guests < batch) || ctx.expired()) break;
  }
  if (out.rows > 0) out.note = std::to_string(mailed) + " e-mail(s) queued";
  co_return out;
}

}  // namespace

JobSpec back_in_stock_job() {
  return make_job("back_in_stock", "E-mails each back-in-stock alert once its variant is available again",
                  std::chrono::minutes(1), std::chrono::minutes(1), run);
}

}  // namespace wh::jobs
