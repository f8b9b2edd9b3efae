// The mail tests' fixture: the real server (in-process) on a database of
// its own, a fake Brevo on loopback, short retry intervals, an empty
// outbox, and helpers to queue e-mails directly (as any backend would) and
// read what became of them.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "accounts/auth_test_support.h"
#include "mail/fake_brevo.h"

namespace wh::test {

class MailTest : public ::testing::Test {
 protected:
  static constexpr const char* kKey = "brevo-test-key";

  MailTest() {
    // The seed queued e-mails of its own: start with an empty outbox.
    q("DELETE FROM email_logs");
    server_.config = mail_config(server_.config);
  }

  Config mail_config(Config c) {
    c.brevo_api_key = kKey;
    c.brevo_base_url = brevo_.base_url();
    c.email_from = "shop@wighaven.test";
    c.email_from_name = "WigHaven Test";
    c.public_api_url = "https://api.wighaven.test";
    c.mail_poll = std::chrono::milliseconds(200);
    c.mail_retry = std::chrono::milliseconds(100);
    c.mail_retry_max = std::chrono::milliseconds(400);
    c.mail_claim_timeout = std::chrono::milliseconds(1500);
    c.worker_lease_ttl = std::chrono::milliseconds(1000);
    c.outbound_timeout = std::chrono::milliseconds(700);
    return c;
  }

  std::string q(const std::string& statement) { return server_.q(statement); }
  long long qn(const std::string& statement) { return server_.qn(statement); }
  void start() { server_.port(); }
  std::string metrics() { return server_.app().app().state().metrics.registry.render(); }

  // Queues an e-mail as the queuing code does; returns its id.
  std::string queue(const std::string& type, const std::string& to, const std::string& templ,
                    const boost::json::object& variables = {}, const std::string& subject = "A subject") {
    static int n = 0;
    std::string id =
        "mailtest" + std::to_string(++n) + "x" + std::to_string(::testing::UnitTest::GetInstance()->random_seed());
    boost::json::object data{{"template", templ}, {"variables", variables}};
    q("INSERT INTO email_logs (id, type, to_email, subject, status, attempt_count, max_attempts, template_data,"
      " created_at) VALUES (" +
      auth::sql_quote(id) + ", " + auth::sql_quote(type) + ", " + auth::sql_quote(to) + ", " +
      auth::sql_quote(subject) + ", 'queued', 0, 3, " + auth::sql_quote(boost::json::serialize(data)) +
      "::jsonb, now() AT TIME ZONE 'UTC')");
    return id;
  }
  std::string status(const std::string& id) {
    return q("SELECT status FROM email_logs WHERE id = " + auth::sql_quote(id));
  }
  std::string column(const std::string& id, const std::string& col) {
    return q("SELECT COALESCE(" + col + "::text, '') FROM email_logs WHERE id = " + auth::sql_quote(id));
  }
  bool wait_status(const std::string& id, const std::string& want,
                   std::chrono::milliseconds within = std::chrono::seconds(5)) {
    return auth::wait_until([&] { return status(id) == want; }, within);
  }

  FakeBrevo brevo_{kKey};
  auth::AuthServer server_;
};

}  // namespace wh::test
