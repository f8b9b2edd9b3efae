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

TEST_F(JobEffectsTest, AnalyticsAggregationRunTwiceGivesTheSameRows) {
  // The old job's row for yesterday, with a wrong value: the upsert fixes it
  // in place.
  q("DELETE FROM analytics;"
    "INSERT INTO analytics (id, date, metric, value, created_at) VALUES"
    " ('old-row', " NOW "::date - 1, 'revenue_daily', 999999, " NOW ")");
  // A paid and a cancelled order yesterday.
  q("UPDATE orders SET created_at = " NOW
    "::date - 1 + interval '10 hours', status = 'processing',"
    " payment_status = 'paid' WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1);"
    "UPDATE orders SET created_at = " NOW
    "::date - 1 + interval '11 hours', status = 'cancelled'"
    " WHERE id = (SELECT id FROM orders ORDER BY id OFFSET 1 LIMIT 1)");
  const std::string dump =
      "SELECT string_agg(id || ' ' || date || ' ' || metric || ' ' || value, ',' ORDER BY date,"
      " metric) FROM analytics";
  auto first = run(jobs::analytics_aggregation_job());
  EXPECT_EQ(first.rows, 9) << "three days, three metrics";
  const std::string rows = q(dump);
  auto second = run(jobs::analytics_aggregation_job());
  EXPECT_EQ(second.rows, 0) << "nothing changed";
  EXPECT_EQ(q(dump), rows);
  EXPECT_EQ(q("SELECT id FROM analytics WHERE date = " NOW "::date - 1 AND metric = 'revenue_daily'"), "old-row");
  EXPECT_EQ(q("SELECT value::numeric FROM analytics WHERE date = " NOW "::date - 1 AND metric = 'revenue_daily'"),
            q("SELECT COALESCE(sum(total), 0)::numeric(15,2) FROM orders WHERE created_at >= " NOW
              "::date - 1 AND created_at < " NOW "::date AND payment_status = 'paid' AND status <> 'cancelled'"));
  EXPECT_EQ(q("SELECT value::int FROM analytics WHERE date = " NOW "::date - 1 AND metric = 'orders_daily'"),
            q("SELECT count(*) FROM orders WHERE created_at >= " NOW "::date - 1 AND created_at < " NOW
              "::date AND status <> 'cancelled'"));
  EXPECT_EQ(q("SELECT count(*) FROM analytics WHERE date >= " NOW "::date"), "0") << "today is not complete";
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
