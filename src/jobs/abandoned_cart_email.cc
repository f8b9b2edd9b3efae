// abandoned_cart_email (old: daily at 10:00; its abandoned_carts upsert
// named a non-unique column and unknown fields, so it failed after each
// e-mail and the same carts were mailed again every day): one reminder per
// abandonment of a signed-in shopper's cart. A cart is abandoned when it
// has items and was last touched between JOB_ABANDONED_CART_EMAIL_AFTER_HOURS
// (24) and JOB_ABANDONED_CART_EMAIL_MAX_DAYS (7) ago; it is mailed once,
// and again only after it was touched after that e-mail and abandoned anew.
// Shoppers who unsubscribed from all e-mail or from abandoned-cart e-mails
// (email_preferences, by account or address) and inactive accounts are
// left out; the mail worker checks the preferences again when sending.
//
// Each batch (JOB_ABANDONED_CART_EMAIL_BATCH, 50 carts) is one statement:
// it upserts the cart's abandoned_carts row (session_id 'cart:<cart id>',
// unique: migrations/0013) with the cart's items and email_sent_at, and
// queues the abandonedCart e-mail (type abandoned_cart) in email_logs for
// the rows it wrote, so the record and the e-mail commit together.
// rows = e-mails queued.
#include "jobs/batches.h"
#include "jobs/jobs.h"

namespace wh::jobs {

namespace {

// $1 batch, $2 after hours, $3 max days, $4 cart link.
constexpr const char* kSql =
    "WITH due AS (SELECT c.id AS cart_id, u.id AS user_id, u.email, u.first_name, c.updated_at AS touched"
    " FROM carts c JOIN users u ON u.id = c.user_id"
    " WHERE c.updated_at < " WH_SQL_NOW
    " - make_interval(hours => $2::int)"
    " AND c.updated_at > " WH_SQL_NOW
    " - make_interval(days => $3::int) AND u.is_active"
    " AND EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)"
    " AND NOT EXISTS (SELECT 1 FROM abandoned_carts a WHERE a.session_id = 'cart:' || c.id"
    " AND a.email_sent AND a.email_sent_at >= c.updated_at)"
    " AND NOT EXISTS (SELECT 1 FROM email_preferences ep WHERE (ep.user_id = u.id OR lower(ep.email) = lower(u.email))"
    " AND (ep.unsubscribed_from_all OR NOT ep.abandoned_cart_emails))"
    " ORDER BY c.updated_at, c.id LIMIT $1),"
    " lines AS (SELECT d.cart_id, json_agg(json_build_object('product_name', p.name,"
    " 'variant', NULLIF(concat_ws(' / ', v.color, v.length, v.texture, v.size), ''), 'quantity', i.quantity,"
    " 'unit_price', wh_money(x.price), 'subtotal', wh_money(x.price * i.quantity)) ORDER BY i.created_at, i.id)"
    " AS items, sum(x.price * i.quantity) AS total"
    " FROM due d JOIN cart_items i ON i.cart_id = d.cart_id JOIN variants v ON v.id = i.variant_id"
    " JOIN products p ON p.id = v.product_id"
    " CROSS JOIN LATERAL (SELECT CASE WHEN v.price > 0 THEN v.price ELSE p.base_price END AS price) x"
    " GROUP BY d.cart_id),"
    " recorded AS (INSERT INTO abandoned_carts AS a (id, user_id, email, session_id, cart_data, email_sent,"
    " email_sent_at, last_reminder_at, created_at)"
    " SELECT wh_new_id(), d.user_id, d.email, 'cart:' || d.cart_id,"
    " jsonb_build_object('items', l.items, 'total', wh_money(l.total)), true, " WH_SQL_NOW ", " WH_SQL_NOW
    ", " WH_SQL_NOW
    " FROM due d JOIN lines l USING (cart_id)"
    " ON CONFLICT (session_id) WHERE session_id LIKE 'cart:%' DO UPDATE SET user_id = EXCLUDED.user_id,"
    " email = EXCLUDED.email, cart_data = EXCLUDED.cart_data, email_sent = true,"
    " email_sent_at = EXCLUDED.email_sent_at, last_reminder_at = EXCLUDED.last_reminder_at, recovered = false,"
    " recovered_at = NULL RETURNING a.session_id),"
    " mailed AS (INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts,"
    " template_data, created_at)"
    " SELECT wh_new_id(), 'abandoned_cart', d.email, 'Your Cart is Waiting! - WigHaven', 'queued', 0, 3,"
    " jsonb_build_object('template', 'abandonedCart', 'variables', jsonb_build_object('name', d.first_name,"
    " 'items', l.items, 'total', wh_money(l.total), 'cart_link', $4::text)), " WH_SQL_NOW
    " FROM due d JOIN lines l USING (cart_id) JOIN recorded r ON r.session_id = 'cart:' || d.cart_id RETURNING 1)"
    " SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM mailed)";

Task<JobResult> run(JobContext& ctx) {
  const long long batch = ctx.knob("BATCH", 50);
  JobResult out;
  for (;;) {
    db::Params params{batch, ctx.knob("AFTER_HOURS", 24), ctx.knob("MAX_DAYS", 7), ctx.config.frontend_url + "/cart"};
    auto r = co_await ctx.db.query(kSql, std::move(params));
    out.rows += r.get_int(0, 1);
    if (r.get_int(0, 0) < batch || ctx.expired()) break;
  }
  co_return out;
}

}  // namespace

JobSpec abandoned_cart_email_job() {
  return make_job("abandoned_cart_email", "E-mails one reminder per abandoned cart of a signed-in shopper",
                  std::chrono::hours(1), std::chrono::minutes(5), run);
}

}  // namespace wh::jobs
