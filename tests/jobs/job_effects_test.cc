// What each job does to the rows, on a copy of the seeded database with a
// little data of the test's own, one run at a time (outside the
// scheduler): cleanups delete what is due and nothing else, the analytics
// upsert is idempotent, the low-stock alert fires once per crossing and the
// abandoned-cart e-mail once per cart, honouring email_preferences.
#include <gtest/gtest.h>

#include "jobs/jobs.h"
#include "jobs/scheduler_instance.h"

namespace wh::test {
namespace {

#define NOW "(now() AT TIME ZONE 'UTC')"

class JobEffectsTest : public ::testing::Test {
 protected:
  JobEffectsTest() : app_(scheduler_config(db_.name())) {}

  std::string q(const std::string& statement) { return sql(db_.name(), statement); }
  long long qn(const std::string& statement) { return std::stoll(q(statement)); }
  jobs::JobResult run(const jobs::JobSpec& spec) { return app_.run_job(jobs::configured(spec, app_.services.config)); }
  std::string customer(int nth) {
    return q("SELECT id FROM users WHERE role = 'customer' AND is_active ORDER BY email OFFSET " + std::to_string(nth) +
             " LIMIT 1");
  }
  std::string variant_with_stock_above(int n) {
    return q(
        "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE v.is_active AND p.is_active"
        " AND v.stock > " +
        std::to_string(n) + " ORDER BY v.id LIMIT 1");
  }
  long long admins() { return qn("SELECT count(*) FROM users WHERE role IN ('admin', 'super_admin') AND is_active"); }

  ScratchDb db_;
  SchedulerInstance app_;
};

TEST_F(JobEffectsTest, TokenCleanupDeletesOnlyExpiredTokens) {
  const std::string u = customer(0);
  q("INSERT INTO blacklisted_tokens (id, token, expires_at, created_at) VALUES"
    " ('bt-old', 'old.token.x', " NOW " - interval '1 hour', " NOW
    "),"
    " ('bt-grace', 'grace.token.x', " NOW " - interval '1 minute', " NOW
    "),"
    " ('bt-new', 'new.token.x', " NOW " + interval '1 hour', " NOW
    ");"
    "INSERT INTO password_reset_tokens (id, user_id, token, expires_at, created_at) VALUES"
    " ('pr-old', '" +
    u +
    "', 'pr-old-hash', " NOW " - interval '1 second', " NOW
    "),"
    " ('pr-new', '" +
    u +
    "', 'pr-new-hash', " NOW " + interval '1 hour', " NOW
    ");"
    "INSERT INTO email_verification_tokens (id, user_id, token, expires_at, created_at) VALUES"
    " ('ev-old', '" +
    u +
    "', 'ev-old-hash', " NOW " - interval '1 day', " NOW
    "),"
    " ('ev-new', '" +
    u + "', 'ev-new-hash', " NOW " + interval '1 day', " NOW ")");
  const long long before =
      qn("SELECT (SELECT count(*) FROM blacklisted_tokens) + (SELECT count(*) FROM"
         " password_reset_tokens) + (SELECT count(*) FROM email_verification_tokens)");
  auto r = run(jobs::token_cleanup_job());
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM (SELECT id FROM blacklisted_tokens WHERE id LIKE 'bt-%'"
              " UNION ALL SELECT id FROM password_reset_tokens WHERE id LIKE 'pr-%'"
              " UNION ALL SELECT id FROM email_verification_tokens WHERE id LIKE 'ev-%') t"),
            "bt-grace,bt-new,ev-new,pr-new");
  const long long after =
      qn("SELECT (SELECT count(*) FROM blacklisted_tokens) + (SELECT count(*) FROM"
         " password_reset_tokens) + (SELECT count(*) FROM email_verification_tokens)");
  EXPECT_EQ(r.rows, before - after);
  EXPECT_GE(r.rows, 3);
  EXPECT_EQ(run(jobs::token_cleanup_job()).rows, 0);
}

TEST_F(JobEffectsTest, NotificationCleanupDeletesOldReadAndExpiredOnes) {
  const std::string u = customer(0);
  q("DELETE FROM notifications;"
    "INSERT INTO notifications (id, user_id, type, title, message, is_read, created_at, expires_at) VALUES"
    " ('n-old-read', '" +
    u +
    "', 'order_status', 't', 'm', true, " NOW
    " - interval '31 days', NULL),"
    " ('n-old-unread', '" +
    u +
    "', 'order_status', 't', 'm', false, " NOW
    " - interval '31 days', NULL),"
    " ('n-new-read', '" +
    u +
    "', 'order_status', 't', 'm', true, " NOW
    " - interval '29 days', NULL),"
    " ('n-expired', '" +
    u +
    "', 'order_status', 't', 'm', false, " NOW " - interval '2 days', " NOW
    " - interval '1 day'),"
    " ('n-fresh', '" +
    u + "', 'order_status', 't', 'm', false, " NOW ", " NOW " + interval '30 days')");
  EXPECT_EQ(run(jobs::notification_cleanup_job()).rows, 2);
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM notifications"), "n-fresh,n-new-read,n-old-unread");
}

TEST_F(JobEffectsTest, CartCleanupDeletesGuestCartsIdleForAWeek) {
  const std::string v = variant_with_stock_above(0);
  q("DELETE FROM guest_carts;"
    "INSERT INTO guest_carts (id, session_id, created_at, updated_at) VALUES"
    " ('g-idle', 's-idle', " NOW " - interval '20 days', " NOW
    " - interval '8 days'),"
    " ('g-item', 's-item', " NOW " - interval '20 days', " NOW
    " - interval '8 days'),"
    " ('g-new', 's-new', " NOW " - interval '20 days', " NOW
    " - interval '6 days');"
    "INSERT INTO guest_cart_items (id, cart_id, variant_id, quantity, created_at, updated_at) VALUES"
    " ('gi-idle', 'g-idle', '" +
    v +
    "', 1, " NOW " - interval '9 days', " NOW
    " - interval '9 days'),"
    " ('gi-item', 'g-item', '" +
    v + "', 1, " NOW " - interval '9 days', " NOW " - interval '1 day')");
  const long long user_carts = qn("SELECT count(*) FROM carts");
  EXPECT_EQ(run(jobs::cart_cleanup_job()).rows, 1);
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM guest_carts"), "g-item,g-new");
  EXPECT_EQ(q("SELECT count(*) FROM guest_cart_items WHERE id = 'gi-idle'"), "0") << "items go with their cart";
  EXPECT_EQ(qn("SELECT count(*) FROM carts"), user_carts) << "signed-in shoppers' carts are kept";
}

// The rows are the shop's days (here UTC+14, so a day is not the UTC date),
// from 3 to 94 days ago, and the marked days of migration 0020.
TEST_F(JobEffectsTest, AnalyticsAggregationRunTwiceGivesTheSameRows) {
  app_.services.config.shop_time_zone = "Pacific/Kiritimati";
#define TZ "'Pacific/Kiritimati'"
#define TODAY "(now() AT TIME ZONE " TZ ")::date"
#define START(day) "((" day ")::timestamp AT TIME ZONE " TZ " AT TIME ZONE 'UTC')"
  // The old job's row (UTC, no metadata), with a wrong value: the upsert
  // fixes it in place.
  q("DELETE FROM analytics; DELETE FROM wh_analytics_dirty_days;"
    "INSERT INTO analytics (id, date, metric, value, created_at) VALUES"
    " ('old-row', " TODAY " - 4, 'revenue_daily', 999999, " NOW ")");
  // A paid and a cancelled order four days ago, in the shop's zone; a
  // customer registered then; an order of 200 days ago (outside the window)
  // changed, so its day is marked.
  q("UPDATE orders SET created_at = " START(TODAY " - 4") " + interval '1 hour', status = 'processing',"
    " payment_status = 'paid' WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1);"
    "UPDATE orders SET created_at = " START(TODAY " - 4") " + interval '2 hours', status = 'cancelled'"
    " WHERE id = (SELECT id FROM orders ORDER BY id OFFSET 1 LIMIT 1);"
    "UPDATE users SET created_at = " START(TODAY " - 4") " + interval '3 hours'"
    " WHERE id = (SELECT id FROM users WHERE role = 'customer' ORDER BY id LIMIT 1);"
    "UPDATE orders SET created_at = " START(TODAY " - 200") " + interval '5 hours', payment_status = 'paid',"
    " status = 'delivered'"
    " WHERE id = (SELECT id FROM orders ORDER BY id OFFSET 2 LIMIT 1)");
  ASSERT_GT(qn("SELECT count(*) FROM wh_analytics_dirty_days WHERE day = " TODAY " - 200"), 0);
  const std::string dump =
      "SELECT string_agg(id || ' ' || date || ' ' || metric || ' ' || value || ' ' || metadata, ',' ORDER BY date,"
      " metric) FROM analytics";
  auto first = run(jobs::analytics_aggregation_job());
  EXPECT_GE(first.rows, 92 * 4) << "92 days, four metrics, and the marked days";
  const std::string rows = q(dump);
  auto second = run(jobs::analytics_aggregation_job());
  EXPECT_EQ(second.rows, 0) << "nothing changed";
  EXPECT_EQ(q(dump), rows);
  EXPECT_EQ(qn("SELECT count(*) FROM wh_analytics_dirty_days WHERE day <= " TODAY " - 3"), 0) << "marks cleared";
  EXPECT_EQ(
      q("SELECT min(date) = " TODAY " - 94 AND max(date) = " TODAY " - 3 FROM analytics WHERE date > " TODAY " - 150"),
      "t");
  EXPECT_EQ(q("SELECT id || ' ' || metadata FROM analytics WHERE date = " TODAY " - 4 AND metric = 'revenue_daily'"),
            "old-row {\"tz\": \"Pacific/Kiritimati\"}");
  // Every row equals the orders and users of its day, to the pesewa.
  EXPECT_EQ(
      q("SELECT count(*) FROM analytics a, LATERAL (SELECT"
        " COALESCE(sum(total) FILTER (WHERE payment_status = 'paid'), 0) AS revenue, count(*) AS orders,"
        " count(*) FILTER (WHERE payment_status = 'paid') AS paid FROM orders"
        " WHERE created_at >= " START("a.date") " AND created_at < " START(
            "a.date + 1") " AND status <> "
                          "'cancelled') o, LATERAL (SELECT count(*) AS customers FROM users WHERE role = 'customer'"
                          " AND created_at >= " START("a.date") " AND created_at < " START(
                              "a.date + 1") ") u"
                                            " WHERE a.value <> CASE a.metric WHEN 'revenue_daily' THEN o.revenue WHEN "
                                            "'orders_daily' THEN o.orders"
                                            " WHEN 'paid_orders_daily' THEN o.paid ELSE u.customers END"),
      "0");
  EXPECT_EQ(q("SELECT value FROM analytics WHERE date = " TODAY " - 200 AND metric = 'paid_orders_daily'"), "1.00");
  EXPECT_EQ(q("SELECT value FROM analytics WHERE date = " TODAY " - 4 AND metric = 'new_customers_daily'"), "1.00");
  EXPECT_EQ(qn("SELECT count(*) FROM analytics WHERE date > " TODAY " - 3"), 0) << "recent days are not complete";
#undef START
#undef TODAY
#undef TZ
}

TEST_F(JobEffectsTest, LowStockAlertFiresOncePerCrossing) {
  q("DELETE FROM email_logs");
  ASSERT_EQ(app_.services.config.admin_email, "") << "ADMIN_EMAIL unset: EMAIL_FROM gets the alerts";
  run(jobs::low_stock_alert_job());  // the seed's low variants: alerted once
  const long long mails = qn("SELECT count(*) FROM email_logs WHERE type = 'low_stock_alert'");
  const long long notes = qn("SELECT count(*) FROM notifications WHERE type = 'admin_low_stock'");
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 0) << "the same variants again";
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE type = 'low_stock_alert'"), mails);

  const std::string v = variant_with_stock_above(5);
  const std::string sku = q("SELECT sku FROM variants WHERE id = '" + v + "'");
  q("UPDATE variants SET stock = 3 WHERE id = '" + v + "'");
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 1);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'admin_low_stock'"), notes + admins());
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE type = 'low_stock_alert'"), mails + 1);
  EXPECT_EQ(q("SELECT to_email || ' ' || status || ' ' || (template_data->>'template') || ' '"
              " || (template_data->'variables'->'products'->0->>'sku') || ' '"
              " || (template_data->'variables'->'products'->0->>'stock')"
              " FROM email_logs WHERE type = 'low_stock_alert' ORDER BY created_at DESC, id LIMIT 1"),
            app_.services.config.email_from + " queued lowStockAlert " + sku + " 3");
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 0) << "still low: no second alert";
  q("UPDATE variants SET stock = 2 WHERE id = '" + v + "'");
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 0) << "lower still, same crossing";

  q("UPDATE variants SET stock = 40 WHERE id = '" + v + "'");  // restocked
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 0);
  q("UPDATE variants SET stock = 1 WHERE id = '" + v + "'");  // and low again: a new crossing
  EXPECT_EQ(run(jobs::low_stock_alert_job()).rows, 1);
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE type = 'low_stock_alert'"), mails + 2);
}

TEST_F(JobEffectsTest, AbandonedCartMailGoesOncePerCartAndHonoursPreferences) {
  const std::string a = customer(0), b = customer(1);
  const std::string v = variant_with_stock_above(0);
  const std::string a_email = q("SELECT email FROM users WHERE id = '" + a + "'");
  q("DELETE FROM email_logs; DELETE FROM abandoned_carts; DELETE FROM carts;"
    "INSERT INTO carts (id, user_id, created_at, updated_at) VALUES"
    " ('cart-a', '" +
    a +
    "', " NOW " - interval '3 days', " NOW
    " - interval '2 days'),"
    " ('cart-b', '" +
    b +
    "', " NOW " - interval '3 days', " NOW
    " - interval '2 days');"
    "INSERT INTO cart_items (id, cart_id, variant_id, quantity, created_at, updated_at) VALUES"
    " ('ci-a', 'cart-a', '" +
    v +
    "', 2, " NOW " - interval '2 days', " NOW
    " - interval '2 days'),"
    " ('ci-b', 'cart-b', '" +
    v +
    "', 1, " NOW " - interval '2 days', " NOW
    " - interval '2 days');"
    "INSERT INTO email_preferences (id, user_id, email, abandoned_cart_emails, updated_at)"
    " SELECT 'pref-b', id, email, false, " NOW " FROM users WHERE id = '" +
    b + "'");
  EXPECT_EQ(run(jobs::abandoned_cart_email_job()).rows, 1);
  EXPECT_EQ(q("SELECT to_email || ' ' || type || ' ' || status || ' ' || (template_data->>'template') || ' '"
              " || (template_data->'variables'->'items'->0->>'quantity') FROM email_logs"),
            a_email + " abandoned_cart queued abandonedCart 2");
  EXPECT_EQ(q("SELECT user_id || ' ' || session_id || ' ' || email_sent FROM abandoned_carts"),
            a + " cart:cart-a true");
  EXPECT_EQ(run(jobs::abandoned_cart_email_job()).rows, 0) << "a cart is mailed once";
  EXPECT_EQ(q("SELECT count(*) FROM email_logs"), "1");

  // The shopper came back after the e-mail, then left again: a new abandonment.
  q("UPDATE abandoned_carts SET email_sent_at = " NOW
    " - interval '3 days';"
    "UPDATE carts SET updated_at = " NOW " - interval '2 days' WHERE id = 'cart-a'");
  EXPECT_EQ(run(jobs::abandoned_cart_email_job()).rows, 1);
  EXPECT_EQ(q("SELECT count(*) FROM abandoned_carts"), "1") << "one row per cart";
  EXPECT_EQ(q("SELECT count(*) FROM email_logs WHERE to_email = '" + a_email + "'"), "2");
}

TEST_F(JobEffectsTest, MilestonesAreReachedAndAnnouncedOnce) {
  q("DELETE FROM admin_milestones; DELETE FROM notifications WHERE type = 'admin_milestone'");
  const long long orders = qn("SELECT count(*) FROM orders WHERE status <> 'cancelled'");
  const long long sales =
      qn("SELECT COALESCE(sum(total), 0)::bigint FROM orders WHERE payment_status = 'paid'"
         " AND status <> 'cancelled' AND created_at >= " NOW "::date");
  long long expected = 0;
  for (long long t : {10, 50, 100, 500, 1000}) expected += orders >= t ? 1 : 0;
  for (long long t : {1000, 5000, 10000}) expected += sales >= t ? 1 : 0;
  ASSERT_GT(expected, 0) << "the seed has orders";
  EXPECT_EQ(run(jobs::milestones_job()).rows, expected);
  EXPECT_EQ(q("SELECT count(*) FROM admin_milestones"), "8") << "the defaults are seeded";
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'admin_milestone'"), expected * admins());
  EXPECT_EQ(run(jobs::milestones_job()).rows, 0) << "announced once";
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'admin_milestone'"), expected * admins());
}

}  // namespace
}  // namespace wh::test
