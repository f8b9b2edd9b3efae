// The back_in_stock job (docs/profile-and-alerts.md): nothing while the
// variant has nothing available, then exactly one e-mail per alert (guest
// or signed-in, none to an address that opted out), the old notification
// for signed-in shoppers, nothing on the next run, and each alert once when
// two instances run it at the same time.
#include <gtest/gtest.h>

#include <thread>

#include "jobs/jobs.h"
#include "jobs/scheduler_instance.h"

namespace wh::test {
namespace {

class BackInStockJobTest : public ::testing::Test {
 protected:
  BackInStockJobTest() : app_(scheduler_config(db_.name())) {}

  std::string q(const std::string& statement) { return sql(db_.name(), statement); }
  long long qn(const std::string& statement) { return std::stoll(q(statement)); }
  jobs::JobResult run(SchedulerInstance& app) {
    return app.run_job(jobs::configured(jobs::back_in_stock_job(), app.services.config));
  }
  jobs::JobResult run() { return run(app_); }
  // An active variant of an active product, out of stock.
  std::string sold_out_variant() {
    std::string v =
        q("SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE v.is_active AND p.is_active"
          " ORDER BY v.id LIMIT 1");
    q("UPDATE variants SET stock = 0, reserved_stock = 0 WHERE id = '" + v + "'");
    return v;
  }
  long long mails() { return qn("SELECT count(*) FROM email_logs WHERE type = 'back_in_stock'"); }

  ScratchDb db_;
  SchedulerInstance app_;
};

TEST_F(BackInStockJobTest, MailsEachAlertOnceWhenAvailable) {
  const std::string v = sold_out_variant();
  const std::string product = q("SELECT product_id FROM variants WHERE id = '" + v + "'");
  const std::string user = q("SELECT id FROM users WHERE role = 'customer' AND is_active ORDER BY email LIMIT 1");
  const std::string user_email = q("SELECT email FROM users WHERE id = '" + user + "'");
  q("DELETE FROM email_logs; DELETE FROM back_in_stock_alerts; DELETE FROM email_preferences;"
    "DELETE FROM notifications WHERE type = 'back_in_stock';"
    "INSERT INTO back_in_stock_alerts (id, user_id, variant_id, email) VALUES ('alert-u', '" +
    user + "', '" + v + "', '" + user_email +
    "');"
    "INSERT INTO wh_guest_stock_alerts (id, variant_id, email) VALUES ('alert-g', '" +
    v + "', 'guest@example.com'), ('alert-off', '" + v +
    "', 'optout@example.com');"
    "INSERT INTO email_preferences (id, email, unsubscribed_from_all, updated_at)"
    " VALUES ('pref-off', 'optout@example.com', true, now())");

  EXPECT_EQ(run().rows, 0) << "out of stock";
  q("UPDATE variants SET stock = 3, reserved_stock = 3 WHERE id = '" + v + "'");
  EXPECT_EQ(run().rows, 0) << "all of it reserved";
  EXPECT_EQ(mails(), 0);

  q("UPDATE variants SET reserved_stock = 1 WHERE id = '" + v + "'");
  auto r = run();
  EXPECT_EQ(r.rows, 3) << "every alert settled";
  EXPECT_EQ(r.note, "2 e-mail(s) queued");
  const std::string link = app_.services.config.frontend_url + "/products/" + product + "?variant=" + v;
  for (const std::string& to : {user_email, std::string("guest@example.com")}) {
    EXPECT_EQ(q("SELECT string_agg(status || ' ' || subject || ' ' || (template_data->>'template') || ' '"
                " || (template_data->'variables'->>'link'), ',') FROM email_logs WHERE type = 'back_in_stock'"
                " AND to_email = '" +
                to + "'"),
              "queued " + q("SELECT name FROM products WHERE id = '" + product + "'") +
                  " is Back in Stock! backInStock " + link)
        << to;
  }
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE to_email = 'optout@example.com'"), 0) << "opted out";
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM (SELECT id FROM back_in_stock_alerts WHERE notified"
              " AND notified_at IS NOT NULL UNION ALL SELECT id FROM wh_guest_stock_alerts WHERE notified"
              " AND notified_at IS NOT NULL) a"),
            "alert-g,alert-off,alert-u");
  EXPECT_EQ(
      q("SELECT type || ' ' || link FROM notifications WHERE user_id = '" + user + "' AND type = 'back_in_stock'"),
      "back_in_stock /products/" + product + "?variant=" + v);

  EXPECT_EQ(run().rows, 0) << "settled alerts are not sent again";
  EXPECT_EQ(mails(), 2);
}

TEST_F(BackInStockJobTest, TwoRunnersMailEachAlertOnce) {
  const std::string v = sold_out_variant();
  q("DELETE FROM email_logs;"
    "INSERT INTO wh_guest_stock_alerts (id, variant_id, email)"
    " SELECT 'g' || n, '" +
    v + "', 'guest' || n || '@example.com' FROM generate_series(1, 120) n");
  q("UPDATE variants SET stock = 10 WHERE id = '" + v + "'");
  Config c = scheduler_config(db_.name());
  c.job_overrides["JOB_BACK_IN_STOCK_BATCH"] = 10;  // many small batches, so the runners overlap
  app_.services.config.job_overrides = c.job_overrides;
  SchedulerInstance second(c);
  long long settled_a = 0, settled_b = 0;
  std::thread a([&] { settled_a = run(app_).rows; });
  std::thread b([&] { settled_b = run(second).rows; });
  a.join();
  b.join();
  EXPECT_EQ(settled_a + settled_b, 120);
  EXPECT_EQ(mails(), 120);
  EXPECT_EQ(qn("SELECT count(DISTINCT to_email) FROM email_logs"), 120);
  EXPECT_EQ(qn("SELECT count(*) FROM wh_guest_stock_alerts WHERE NOT notified"), 0);
}

}  // namespace
}  // namespace wh::test
