// Queued e-mails in development without a mail provider are written to the
// log, links included, so a developer can verify an account; never in
// production or when a provider is configured.
#include "accounts/mail_queue.h"

#include <gtest/gtest.h>

#include <string>

#include "accounts/auth_test_support.h"
#include "support/log_capture.h"

namespace wh::test::auth {
namespace {

json::object registration(const std::string& email) {
  return json::object{{"email", email}, {"password", "Str0ng@Pass"}, {"firstName", "Ama"}, {"lastName", "Mensah"}};
}

// The verification link of the log line about an e-mail to `to` ("" if none).
std::string logged_link(const std::string& log, const std::string& to) {
  std::size_t start = 0;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    std::string line = log.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? log.size() : end + 1;
    // Without log::init (in-process servers) spdlog prefixes its default pattern.
    auto brace = line.find('{');
    if (brace == std::string::npos) continue;
    line.erase(0, brace);
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    const auto* msg = o.if_contains("msg");
    const auto* email_to = o.if_contains("to");
    const auto* type = o.if_contains("type");
    if (msg == nullptr || email_to == nullptr || type == nullptr) continue;
    if (*email_to != json::value(to) || *type != json::value("email_verification")) continue;
    if (std::string(msg->as_string()).find("email queued") == std::string::npos) continue;
    return std::string(o.at("variables").at("verification_link").as_string());
  }
  return "";
}

TEST(MailQueueDevLog, ARegistrationsVerificationLinkIsLoggedAndWorks) {
  AuthServer s;
  ASSERT_EQ(s.config.node_env, "development");
  ASSERT_TRUE(s.config.brevo_api_key.empty());
  s.port();

  StdoutCapture capture;
  auto reg = s.post("/api/auth/register", registration("dev.mail@example.com"));
  std::string log = capture.text();
  capture.restore();
  ASSERT_EQ(reg.status, 201) << reg.body;

  std::string link = logged_link(log, "dev.mail@example.com");
  ASSERT_FALSE(link.empty()) << "no log line with the verification link:\n" << log;
  EXPECT_EQ(link.rfind(s.config.frontend_url + "/verify-email?token=", 0), 0u) << link;
  // It is the link that was queued, and it verifies the account.
  EXPECT_EQ(link, s.q("SELECT template_data->'variables'->>'verification_link' FROM email_logs"
                      " WHERE to_email = 'dev.mail@example.com' AND type = 'email_verification'"));
  auto verify = s.post("/api/auth/verify-email", json::object{{"token", query_value(link, "token")}});
  EXPECT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(s.login("dev.mail@example.com", "Str0ng@Pass").status, 200);
}

TEST(MailQueueDevLog, NotLoggedWithAProviderOrInProduction) {
  Config dev;
  EXPECT_TRUE(accounts::logs_emails(dev));
  Config provider;
  provider.brevo_api_key = "xkeysib-test";
  EXPECT_FALSE(accounts::logs_emails(provider));
  Config prod;
  prod.node_env = "production";
  EXPECT_FALSE(accounts::logs_emails(prod));

  AuthServer s;
  s.config.brevo_api_key = "xkeysib-test";
  s.port();
  StdoutCapture capture;
  auto reg = s.post("/api/auth/register", registration("quiet.mail@example.com"));
  std::string log = capture.text();
  capture.restore();
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(log.find("verify-email?token="), std::string::npos) << log;
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_logs WHERE to_email = 'quiet.mail@example.com'"), 2) << "still queued";
}

}  // namespace
}  // namespace wh::test::auth
