// The admin's e-mail log (reference §1.21): filters and pages over the
// outbox, today's statistics in the old shape plus the keys the admin page
// reads, and retries that take our ids and put rows back in the outbox,
// bounded, each with its activity row.
#include <string>

#include "commerce/commerce_fixture.h"

namespace wh::test {
namespace {

using EmailAdminApi = CommerceApi;

// An email_logs row `age` ago (an SQL interval) with `status`; with a
// template unless `templ` is false.
void log_row(const std::string& id, const std::string& type, const std::string& status,
             const std::string& age = "0 seconds", bool templ = true) {
  CommerceApi::q(
      "INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, last_error,"
      " template_data, created_at) VALUES (" +
      CommerceApi::quote(id) + ", " + CommerceApi::quote(type) + ", 'someone@example.com', 'Hello', " +
      CommerceApi::quote(status) + ", 3, 3, " + (status == "failed" ? "'HTTP 400 bad'" : "NULL") + ", " +
      (templ ? R"('{"template": "welcome", "variables": {"name": "Ama", "reset_link": "https://x/secret"}}')"
             : "NULL") +
      ", (now() AT TIME ZONE 'UTC') - interval " + CommerceApi::quote(age) + ")");
}

HttpResult retry(const json::value& body, const std::string& token = CommerceApi::admin_) {
  return CommerceApi::call("POST", "/api/admin/emails/retry-failed", body, token);
}

TEST_F(EmailAdminApi, AdminsOnly) {
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/admin/emails/logs"},
                                                        {"GET", "/api/admin/emails/stats"},
                                                        {"POST", "/api/admin/emails/retry-failed"}}) {
    EXPECT_EQ(call(method, target).status, 401) << target;
    EXPECT_EQ(call(method, target, nullptr, customer_).status, 403) << target;
  }
}

TEST_F(EmailAdminApi, LogsFilterAndPageTheOutboxWithoutTemplateVariables) {
  log_row("clogfilter000000000000001", "kind_a", "sent", "1 hour");
  log_row("clogfilter000000000000002", "kind_a", "failed", "2 hours");
  log_row("clogfilter000000000000003", "kind_a", "queued", "3 hours");
  log_row("clogfilter000000000000004", "kind_a", "failed", "10 days");
  log_row("clogfilter000000000000005", "kind_b", "failed", "1 hour");

  auto r = call("GET", "/api/admin/emails/logs?type=kind_a&limit=2&page=1", nullptr, admin_);
  auto logs = data(r).as_array();
  ASSERT_EQ(logs.size(), 2U);
  EXPECT_EQ(r.json().at("pagination"), json::parse(R"({"page":1,"limit":2,"total":4,"pages":2})"));
  EXPECT_EQ(str(logs[0].at("id")), "clogfilter000000000000001") << "newest first";
  auto failed = logs[1].as_object();
  for (const char* k : {"id", "type", "toEmail", "subject", "status", "attemptCount", "maxAttempts", "lastError",
                        "error", "messageId", "createdAt", "sentAt", "nextAttemptAt", "templateData"}) {
    EXPECT_TRUE(failed.contains(k)) << k;
  }
  EXPECT_EQ(str(failed.at("error")), "HTTP 400 bad");
  EXPECT_EQ(failed.at("templateData"), json::parse(R"({"template":"welcome"})")) << "variables hold links";
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(r.header("cache-control"), "private, no-store");

  auto total = [&](const std::string& query) {
    auto x = call("GET", "/api/admin/emails/logs?" + query, nullptr, admin_);
    EXPECT_EQ(x.status, 200) << query << " " << x.body;
    return x.status == 200 ? x.json().at("pagination").at("total").as_int64() : -1;
  };
  EXPECT_EQ(total("type=kind_a&status=failed"), 2);
  EXPECT_EQ(total("type=kind_a&status=failed&days=1"), 1);
  EXPECT_EQ(total("type=kind_a&status=pending"), 1) << "the admin page's name for queued";
  EXPECT_EQ(total("status=failed&days=1"), 2);
  EXPECT_EQ(total(""), qn("SELECT count(*) FROM email_logs"));
  EXPECT_EQ(call("GET", "/api/admin/emails/logs?limit=101", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/emails/logs?status=bogus", nullptr, admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/admin/emails/logs?days=0", nullptr, admin_).status, 400);
}

TEST_F(EmailAdminApi, StatsCountTodayAndTheQueue) {
  q("DELETE FROM email_logs");
  log_row("cstats0000000000000000001", "welcome", "sent");
  log_row("cstats0000000000000000002", "welcome", "sent");
  log_row("cstats0000000000000000003", "welcome", "failed");
  log_row("cstats0000000000000000004", "welcome", "queued");
  log_row("cstats0000000000000000005", "welcome", "queued");
  q("UPDATE email_logs SET next_attempt_at = (now() AT TIME ZONE 'UTC') + interval '1 hour'"
    " WHERE id = 'cstats0000000000000000005'");
  // Yesterday's outcomes are not today's (an hour past midnight UTC is still
  // yesterday's at the earliest).
  q("INSERT INTO email_logs (id, type, to_email, subject, status, created_at) VALUES ('cstats0000000000000000006',"
    " 'welcome', 'x@example.com', 'Hi', 'sent', date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 hour')");

  auto s = data(call("GET", "/api/admin/emails/stats", nullptr, admin_)).as_object();
  EXPECT_EQ(s.at("totalSentToday"), 2);
  EXPECT_EQ(s.at("totalFailedToday"), 1);
  EXPECT_EQ(num(s.at("successRate")), 66.67);
  EXPECT_EQ(s.at("pendingCount"), 2);
  EXPECT_EQ(s.at("queueHealth"), "healthy");
  EXPECT_EQ(s.at("queue"), json::parse(R"({"waiting":1,"active":0,"completed":2,"failed":1,"delayed":1})"));
  // What the admin page reads.
  EXPECT_EQ(s.at("sent"), 2);
  EXPECT_EQ(s.at("failed"), 1);
  EXPECT_EQ(s.at("total"), 3);
  EXPECT_EQ(s.at("pending"), 2);

  q("DELETE FROM email_logs");
  auto empty = data(call("GET", "/api/admin/emails/stats", nullptr, admin_)).as_object();
  EXPECT_EQ(num(empty.at("successRate")), 100);
  EXPECT_EQ(empty.at("total"), 0);
}

TEST_F(EmailAdminApi, RetryOneTakesOurIdAndRequeuesTheStoredEmail) {
  log_row("cretryone0000000000000001", "welcome", "failed", "3 days");
  log_row("cretryone0000000000000002", "welcome", "sent");
  log_row("cretryone0000000000000003", "welcome", "failed", "1 hour", false);

  auto r = retry(json::object{{"email_log_id", "cretryone0000000000000001"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"requeuedCount":1,"message":"1 email(s) requeued for retry"})"));
  EXPECT_EQ(q("SELECT status || ' ' || attempt_count || ' ' || (next_attempt_at IS NULL) || ' ' ||"
              " (template_data->>'template') FROM email_logs WHERE id = 'cretryone0000000000000001'"),
            "queued 0 true welcome")
      << "back in the outbox as stored, with its attempts";
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE to_email = 'someone@example.com'"), 3) << "no copy";
  EXPECT_EQ(q("SELECT action || ' ' || entity_type || ' ' || admin_id FROM admin_activities"
              " WHERE entity_id = 'cretryone0000000000000001'"),
            "email.retry email_log " + user_id(auth::kAdminEmail));

  auto again = retry(json::object{{"email_log_id", "cretryone0000000000000001"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(auth::error_message(again), "Email is not in failed status");
  EXPECT_EQ(retry(json::object{{"email_log_id", "cretryone0000000000000002"}}).status, 400);
  EXPECT_EQ(retry(json::object{{"email_log_id", "cretryone0000000000000003"}}).status, 400) << "no template";
  auto unknown = retry(json::object{{"email_log_id", "cnosuchlog000000000000001"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(auth::error_message(unknown), "Email log not found");
  for (const json::value& bad :
       {json::value("not an id!"), json::value(std::string(31, 'c')), json::value(42), json::value("")}) {
    auto b = retry(json::object{{"email_log_id", bad}});
    EXPECT_EQ(b.status, 400) << json::serialize(bad);
    EXPECT_TRUE(auth::has_field_error(b, "email_log_id", "\"email_log_id\" must be a valid id")) << b.body;
  }
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'email.retry'"), 1);
}

TEST_F(EmailAdminApi, RetryAllRequeuesAtMost100OfTheLastDay) {
  q("DELETE FROM email_logs");
  q("INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, template_data, created_at)"
    " SELECT 'cretryall' || lpad(n::text, 16, '0'), 'welcome', 'all@example.com', 'Hi', 'failed', 3,"
    " '{\"template\": \"welcome\"}', (now() AT TIME ZONE 'UTC') - n * interval '1 second'"
    " FROM generate_series(1, 105) n");
  log_row("cretryallold0000000000001", "welcome", "failed", "25 hours");
  log_row("cretryallnotemplate000001", "welcome", "failed", "1 hour", false);

  auto first = retry(json::object{});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("requeuedCount"), 100);
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE status = 'queued'"), 100);
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM email_logs WHERE status = 'failed'"
              " AND id LIKE 'cretryall0%'"),
            "cretryall0000000000000101,cretryall0000000000000102,cretryall0000000000000103,"
            "cretryall0000000000000104,cretryall0000000000000105")
      << "the newest first";
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'email.retry'"), 100);

  EXPECT_EQ(retry(json::object{{"email_log_id", nullptr}}).json().at("requeuedCount"), 5);
  auto none = retry(json::object{});
  EXPECT_EQ(none.json().at("requeuedCount"), 0) << "nothing queued twice";
  EXPECT_EQ(none.json().at("message"), "0 email(s) requeued for retry");
  EXPECT_EQ(q("SELECT string_agg(id, ',' ORDER BY id) FROM email_logs WHERE status = 'failed'"),
            "cretryallnotemplate000001,cretryallold0000000000001");
}

}  // namespace
}  // namespace wh::test
