// The super-admin console's operational routes (admin/super_admin_ops.h,
// super_admin_backup.h): super admins only; the log read from this
// process's rings; a forced verify that really marks the order paid through
// the payments path; jobs triggered and listed from the real scheduler;
// webhook events, admin activities and the backup description in their
// shapes.
#include <string>
#include <vector>

#include "admin/super_admin_ops.h"
#include "core/ids.h"
#include "core/log.h"
#include "jobs/scheduler.h"
#include "payments/payments_fixture.h"

namespace wh::test {
namespace {

const std::string kBase = "/api/super-admin";

class SuperAdminOpsApi : public PaymentsApi {
 protected:
  static void SetUpTestSuite() {
    start_payments([](Config& c) {
      c.access_log = true;  // the log test looks for a request's access line
      c.backup_pitr_window = "7 days";
      c.job_overrides["JOB_LOW_STOCK_ALERT_INTERVAL_S"] = 0;  // a job that is off
    });
    admin_ = token_of(auth::kAdminEmail, auth::kAdminPassword);
    super_ = token_of(auth::kSuperEmail, auth::kAdminPassword);
    customer_ = token_of(server_->verified_customer(), auth::kCustomerPassword);
  }

  static HttpResult as_super(const std::string& method, const std::string& path, const json::value& body = nullptr) {
    return call(method, kBase + path, body, super_);
  }
  // "<entity_type>:<entity_id>:<admin e-mail>,..." of `action` (on `entity` only, when given), oldest first.
  static std::string activity_of(const std::string& action, const std::string& entity = "") {
    return q(
        "SELECT string_agg(a.entity_type || ':' || a.entity_id || ':' || u.email, ','"
        " ORDER BY a.created_at, a.entity_id)"
        " FROM admin_activities a JOIN users u ON u.id = a.admin_id WHERE a.action = " +
        quote(action) + (entity.empty() ? "" : " AND a.entity_id = " + quote(entity)));
  }
  static long long activities() { return qn("SELECT count(*) FROM admin_activities"); }

  inline static std::string admin_, super_, customer_;
};

TEST_F(SuperAdminOpsApi, EveryRouteIsForSuperAdminsOnly) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/logs"},     {"POST", "/payment/verify"}, {"POST", "/jobs/trigger"},        {"GET", "/jobs/queue"},
      {"GET", "/webhooks"}, {"GET", "/activities"},      {"POST", "/stock/global-update"}, {"GET", "/backup"}};
  const auto verify_calls = paystack_->calls_to("/transaction/verify/").size();
  const auto activities_before = activities();
  for (const auto& [method, path] : routes) {
    json::value body = method == "GET" ? json::value(nullptr) : json::value(json::object{{"reference", "ref_x"}});
    EXPECT_EQ(call(method, kBase + path, body, "").status, 401) << method << " " << path;
    auto admin = call(method, kBase + path, body, admin_);
    EXPECT_EQ(admin.status, 403) << method << " " << path << ": " << admin.body;
    EXPECT_EQ(call(method, kBase + path, body, customer_).status, 403) << method << " " << path;
  }
  EXPECT_EQ(paystack_->calls_to("/transaction/verify/").size(), verify_calls);
  EXPECT_EQ(activities(), activities_before);
}

TEST_F(SuperAdminOpsApi, LogsAnswerTheLinesThisServerWroteBounded) {
  const std::string marker = "/api/zq-log-probe-" + new_cuid();
  EXPECT_EQ(server_->get(marker).status, 404);

  auto r = as_super("GET", "/logs?type=app&limit=2000");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const std::string text(doc.at("logs").as_string());
  EXPECT_NE(text.find(marker), std::string::npos) << "the access line of the request is missing";
  EXPECT_LE(text.size(), log::kRecentBytes);
  EXPECT_LE(doc.at("lines").as_int64(), 2000);
  // Every line is one of our JSON lines.
  std::size_t start = 0, lines = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    auto line = json::parse(text.substr(start, nl - start));
    EXPECT_TRUE(line.as_object().contains("level"));
    ++lines;
    start = nl + 1;
  }
  EXPECT_EQ(static_cast<long long>(lines), doc.at("lines").as_int64());

  auto few = as_super("GET", "/logs?limit=3");
  ASSERT_EQ(few.status, 200) << few.body;
  EXPECT_LE(few.json().at("lines").as_int64(), 3);
  EXPECT_EQ(as_super("GET", "/logs?limit=0").status, 400);
  EXPECT_EQ(as_super("GET", "/logs?limit=2001").status, 400);
  EXPECT_EQ(as_super("GET", "/logs?type=debug").status, 400);

  // type=error: warnings and errors only (the in-process server shares this
  // process's log).
  log::warn("zq super admin probe", {{"marker", marker}});
  auto errors = as_super("GET", "/logs?type=error");
  ASSERT_EQ(errors.status, 200) << errors.body;
  const std::string error_text(errors.json().at("logs").as_string());
  EXPECT_NE(error_text.find("zq super admin probe"), std::string::npos) << error_text;
  EXPECT_EQ(error_text.find(R"("level":"info")"), std::string::npos) << error_text;
  EXPECT_EQ(errors.json().at("type"), "error");
}

TEST_F(SuperAdminOpsApi, VerifyMarksAPendingOrderPaidThroughThePaymentsPath) {
  auto o = order("session-super-verify-1", 10, 1, 2, "super.verify@example.com");
  ASSERT_FALSE(o.reference.empty());
  ASSERT_EQ(order_field(o.number, "payment_status"), "pending");

  EXPECT_EQ(as_super("POST", "/payment/verify", json::object{}).status, 400);
  const auto calls_before = paystack_->calls_to("/transaction/verify/").size();
  auto unknown = as_super("POST", "/payment/verify", json::object{{"reference", "ref_no_such_reference"}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(paystack_->calls_to("/transaction/verify/").size(), calls_before);

  paystack_->script_verify({FakePaystack::verify_paid(o.total)});
  auto paid = as_super("POST", "/payment/verify", json::object{{"reference", o.reference}});
  ASSERT_EQ(paid.status, 200) << paid.body;
  const auto doc = paid.json();
  EXPECT_EQ(doc.at("message"), "Payment verified successfully");
  EXPECT_EQ(doc.at("verification").at("status"), "success");
  EXPECT_EQ(doc.at("data").at("result"), "paid");
  EXPECT_EQ(doc.at("data").at("order").at("payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "status"), "processing");
  EXPECT_EQ(stock(o.variant), 9);
  const auto calls = paystack_->calls_to("/transaction/verify/");
  ASSERT_EQ(calls.size(), calls_before + 1);
  EXPECT_EQ(calls.back().path, "/transaction/verify/" + o.reference);
  EXPECT_EQ(activity_of("payment.verify", o.id), "order:" + o.id + ":" + auth::kSuperEmail);

  // Already paid: answered without asking Paystack again.
  auto again = as_super("POST", "/payment/verify", json::object{{"reference", o.reference}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("message"), "Order is already marked as paid");
  EXPECT_EQ(paystack_->calls_to("/transaction/verify/").size(), calls_before + 1);
  EXPECT_EQ(stock(o.variant), 9);
}

TEST_F(SuperAdminOpsApi, VerifyIs503WhenPaystackFailsAnd404WhenItDoesNotKnowTheReference) {
  auto o = order("session-super-verify-2", 10, 1, 3, "super.verify2@example.com");
  paystack_->script_verify({FakePaystack::server_error()});
  auto down = as_super("POST", "/payment/verify", json::object{{"reference", o.reference}});
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");

  paystack_->script_verify({FakeReply::json(R"({"status":false,"message":"Transaction reference not found"})", 404)});
  auto unknown = as_super("POST", "/payment/verify", json::object{{"reference", o.reference}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");
}

TEST_F(SuperAdminOpsApi, TriggerAsksTheSchedulerForAnyKnownJob) {
  // The old console's name.
  auto r = as_super("POST", "/jobs/trigger", json::object{{"jobName", "abandoned_cart_emails"}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json().at("data").at("job"), "abandoned_cart_email");
  EXPECT_EQ(q("SELECT run_requested FROM wh_jobs WHERE name = 'abandoned_cart_email'"), "t");

  auto other = as_super("POST", "/jobs/trigger", json::object{{"jobName", "token_cleanup"}});
  ASSERT_EQ(other.status, 202) << other.body;
  EXPECT_EQ(q("SELECT run_requested FROM wh_jobs WHERE name = 'token_cleanup'"), "t");
  EXPECT_EQ(activity_of("job.run"),
            "job:abandoned_cart_email:" + std::string(auth::kSuperEmail) + ",job:token_cleanup:" + auth::kSuperEmail);

  EXPECT_EQ(as_super("POST", "/jobs/trigger", json::object{{"jobName", "no_such_job"}}).status, 404);
  EXPECT_EQ(as_super("POST", "/jobs/trigger", json::object{{"jobName", "low_stock_alert"}}).status, 409);
  EXPECT_EQ(as_super("POST", "/jobs/trigger", json::object{}).status, 400);
}

TEST_F(SuperAdminOpsApi, QueueShowsTheRealJobsAndTheMailOutbox) {
  q("INSERT INTO email_logs (id, type, to_email, subject, status, created_at) VALUES"
    " ('czqsuperqueue0000001', 'zq_kind', 'a@example.com', 's', 'queued', now() AT TIME ZONE 'UTC')");
  q("INSERT INTO wh_jobs (name, last_status, failures) VALUES ('cart_cleanup', 'failed', 1)"
    " ON CONFLICT (name) DO UPDATE SET last_status = 'failed', failures = 1");
  q("UPDATE wh_jobs SET run_requested = false");  // whatever another test of the suite asked for
  ASSERT_EQ(as_super("POST", "/jobs/trigger", json::object{{"jobName", "token_cleanup"}}).status, 202);

  auto r = as_super("GET", "/jobs/queue");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const auto& email = doc.at("queues").at("email").as_object();
  EXPECT_EQ(email.at("waiting").as_int64(), qn("SELECT count(*) FROM email_logs WHERE status = 'queued'"));
  EXPECT_GE(email.at("waiting").as_int64(), 1);
  EXPECT_EQ(email.at("active").as_int64(), 0);
  EXPECT_TRUE(email.contains("failed"));
  EXPECT_FALSE(email.at("sending").as_bool());

  const auto& list = doc.at("jobs").as_array();
  const auto& state = server_->app().app().services().get<jobs::Scheduler>();
  ASSERT_EQ(list.size(), state.jobs().size());
  long long off = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].at("name"), json::value(state.jobs()[i].name));
    if (!list[i].at("enabled").as_bool()) ++off;
    if (list[i].at("name") == "low_stock_alert") {
      EXPECT_FALSE(list[i].at("enabled").as_bool());
    }
    if (list[i].at("name") == "cart_cleanup") {
      EXPECT_EQ(list[i].at("lastStatus"), "failed");
    }
    EXPECT_EQ(list[i].at("runRequested").as_bool(), list[i].at("name") == "token_cleanup") << list[i];
  }
  const auto& counts = doc.at("queues").at("jobs");
  EXPECT_GE(off, 1);  // low_stock_alert at least
  EXPECT_EQ(counts.at("off").as_int64(), off);
  EXPECT_EQ(counts.at("failed").as_int64(), 1);
  EXPECT_EQ(counts.at("active").as_int64(), 0);
  EXPECT_EQ(counts.at("requested").as_int64(), 1);
  EXPECT_EQ(counts.at("waiting").as_int64(), static_cast<long long>(list.size()) - off);
  EXPECT_FALSE(doc.at("scheduler").at("enabled").as_bool());  // JOBS_ENABLED=false in the tests
}

TEST_F(SuperAdminOpsApi, WebhooksListOurEventsAndTheOldLogInTheOldShape) {
  auto o = order("session-super-webhooks", 10, 1, 4, "super.webhooks@example.com");
  q("INSERT INTO webhook_logs (id, provider, reference, event, status, payload, is_processed, created_at) VALUES"
    " ('czqoldwebhook0000001', 'paystack', 'ref_old_zq', 'charge.success', 'processed', '{\"event\":\"x\"}', true,"
    " (now() AT TIME ZONE 'UTC') - interval '1 day')");
  auto sent = post_signed(charge_event("charge.success", o.reference, o.total));
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(settled_results(o.reference), "paid");

  auto r = as_super("GET", "/webhooks");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(doc.at("logs"), doc.at("webhooks"));
  const auto& list = doc.at("logs").as_array();
  ASSERT_GE(list.size(), 2u);
  EXPECT_LE(list.size(), static_cast<std::size_t>(admin::kSuperAdminListSize));
  const json::object* ours = nullptr;
  const json::object* old = nullptr;
  std::size_t ours_at = 0, old_at = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i].as_object();
    for (const char* key : {"id", "provider", "reference", "event", "status", "payload", "errorMessage", "orderId",
                            "responseTimeMs", "isProcessed", "createdAt", "table"}) {
      EXPECT_TRUE(e.contains(key)) << key << " in " << json::serialize(e);
    }
    if (e.at("reference") == json::value(o.reference)) {
      ours = &e;
      ours_at = i;
    }
    if (e.at("reference") == "ref_old_zq") {
      old = &e;
      old_at = i;
    }
  }
  ASSERT_NE(ours, nullptr) << r.body;
  ASSERT_NE(old, nullptr) << r.body;
  EXPECT_EQ(ours->at("event"), "charge.success");
  EXPECT_EQ(ours->at("table"), "wh_payment_events");
  EXPECT_EQ(ours->at("result"), "paid");
  EXPECT_EQ(ours->at("orderId"), json::value(o.id));
  EXPECT_TRUE(ours->at("isProcessed").as_bool());
  EXPECT_EQ(old->at("table"), "webhook_logs");
  // Newest first: ours was received after the old row.
  EXPECT_LT(ours_at, old_at);
}

TEST_F(SuperAdminOpsApi, ActivitiesAndTheStockBroadcast) {
  auto r = as_super("POST", "/stock/global-update");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("success").as_bool());
  EXPECT_EQ(activity_of("stock.refresh"), "stock:global:" + std::string(auth::kSuperEmail));

  auto list = as_super("GET", "/activities");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto list_json = list.json();
  const auto& activities = list_json.at("activities").as_array();
  ASSERT_FALSE(activities.empty());
  EXPECT_LE(activities.size(), static_cast<std::size_t>(admin::kSuperAdminListSize));
  const auto& newest = activities[0].as_object();
  EXPECT_EQ(newest.at("action"), "stock.refresh");
  for (const char* key :
       {"id", "adminId", "action", "entityType", "entityId", "changes", "ipAddress", "createdAt", "admin"}) {
    EXPECT_TRUE(newest.contains(key)) << key;
  }
  EXPECT_EQ(newest.at("admin").at("email"), auth::kSuperEmail);
  EXPECT_EQ(newest.at("admin").at("id"), newest.at("adminId"));
  EXPECT_TRUE(newest.at("admin").as_object().contains("firstName"));
}

TEST_F(SuperAdminOpsApi, BackupDescribesHowTheDatabaseIsBackedUp) {
  auto r = as_super("GET", "/backup");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const auto& data = doc.at("data");
  EXPECT_FALSE(data.at("takenByServer").as_bool());
  EXPECT_EQ(data.at("pointInTimeRestore").at("provider"), "Neon");
  EXPECT_EQ(data.at("pointInTimeRestore").at("window"), "7 days");
  EXPECT_EQ(data.at("logicalDump").at("majorVersion").as_int64(),
            qn("SELECT current_setting('server_version_num')::int / 10000"));
  EXPECT_NE(std::string(data.at("logicalDump").at("command").as_string()).find("pg_dump"), std::string::npos);
  EXPECT_TRUE(data.at("lastRecorded").is_null());
  EXPECT_EQ(data.at("recorded").as_int64(), 0);
  EXPECT_EQ(data.at("runbook"), "docs/backup.md");
  EXPECT_EQ(r.body.find("postgresql://"), std::string::npos) << "a connection string was shown";

  q("INSERT INTO wh_backups (kind, location, size_bytes, note) VALUES ('pg_dump', 'r2://backups/a.dump', 1234, 'zq')");
  auto after = as_super("GET", "/backup");
  ASSERT_EQ(after.status, 200) << after.body;
  const auto after_json = after.json();
  const auto& last = after_json.at("data").at("lastRecorded");
  EXPECT_EQ(last.at("kind"), "pg_dump");
  EXPECT_EQ(last.at("location"), "r2://backups/a.dump");
  EXPECT_EQ(last.at("sizeBytes").as_int64(), 1234);
  EXPECT_TRUE(last.at("takenAt").is_string());
  EXPECT_EQ(after.json().at("data").at("recorded").as_int64(), 1);
}

}  // namespace
}  // namespace wh::test
