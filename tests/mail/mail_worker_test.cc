// The mail worker end to end: the real server on a database of its own and
// a fake Brevo on loopback. A shopper who registers receives the
// verification e-mail and can sign in with its link; passing failures are
// retried, a refusal fails at once with Brevo's reason; two instances send
// each e-mail once; opted-out recipients are skipped.
#include <gtest/gtest.h>

#include <set>

#include "mail/mail_fixture.h"
#include "support/test_env.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The token of the first "verify-email?token=" link in `text`.
std::string link_token(const std::string& text) {
  auto at = text.find("verify-email?token=");
  if (at == std::string::npos) return "";
  at += std::string("verify-email?token=").size();
  auto end = text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", at);
  return text.substr(at, end - at);
}

class MailWorkerTest : public MailTest {};

TEST_F(MailWorkerTest, ARegisteredShopperReceivesTheVerificationLinkAndCanThenSignIn) {
  const std::string email = "new.shopper@example.com", password = "Shopper@123";
  auto r = server_.post(
      "/api/auth/register",
      json::object{{"email", email}, {"password", password}, {"firstName", "Efua"}, {"lastName", "Owusu"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(server_.login(email, password).status, 401) << "not verified yet";

  ASSERT_TRUE(brevo_.wait(
      [&] {
        for (const auto& c : brevo_.delivered(email)) {
          if (contains(c.subject, "Verify")) return true;
        }
        return false;
      },
      5s));
  FakeBrevo::Call mail;
  for (const auto& c : brevo_.delivered(email)) {
    if (contains(c.subject, "Verify")) mail = c;
  }
  EXPECT_EQ(mail.api_key, kKey);
  EXPECT_EQ(mail.sender_email, "shop@wighaven.test");
  EXPECT_EQ(mail.sender_name, "WigHaven Test");
  EXPECT_EQ(mail.subject, "Verify Your Email - WigHaven");
  EXPECT_TRUE(contains(mail.html, "Hi Efua,")) << mail.html;
  EXPECT_TRUE(mail.list_unsubscribe.empty()) << "a transactional e-mail has no unsubscribe link";
  const std::string token = link_token(mail.html);
  ASSERT_FALSE(token.empty()) << mail.html;
  EXPECT_TRUE(contains(mail.html, server_.config.frontend_url + "/verify-email?token=" + token));
  EXPECT_EQ(link_token(mail.text), token) << "the text part carries the same link: " << mail.text;

  // The welcome e-mail went too, and the rows say so, with Brevo's ids.
  ASSERT_TRUE(auth::wait_until(
      [&] {
        return qn("SELECT count(*) FROM email_logs WHERE to_email = " + auth::sql_quote(email) +
                  " AND status = 'sent' AND message_id LIKE '<%@fake.brevo>' AND sent_at IS NOT NULL"
                  " AND attempt_count = 1") == 2;
      },
      3s));

  // The link's page posts the token; then the shopper can sign in.
  auto verified = server_.post("/api/auth/verify-email", json::object{{"token", token}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  auto login = server_.login(email, password);
  EXPECT_EQ(login.status, 200) << login.body;

  auto text = metrics();
  EXPECT_TRUE(contains(text, "wh_mail_sent_total 2")) << text;
  EXPECT_TRUE(contains(text, "wh_mail_lease_held 1")) << text;
}

TEST_F(MailWorkerTest, A500IsRetriedWithBackoffThenSent) {
  brevo_.script(
      {FakeBrevo::error(500, "internal_error", "try later"), FakeBrevo::error(503, "unavailable", "maintenance")});
  start();
  std::string id = queue("welcome", "retry.me@example.com", "welcome", json::object{{"name", "Yaw"}});
  ASSERT_TRUE(wait_status(id, "sent"));
  auto calls = brevo_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].status, 500);
  EXPECT_EQ(calls[1].status, 503);
  EXPECT_EQ(calls[2].status, 201);
  EXPECT_EQ(column(id, "attempt_count"), "3");
  EXPECT_EQ(column(id, "last_error"), "") << "cleared once sent";
  auto text = metrics();
  EXPECT_TRUE(contains(text, "wh_mail_retries_total 2")) << text;
  EXPECT_TRUE(contains(text, "wh_mail_sent_total 1")) << text;
}

TEST_F(MailWorkerTest, PassingFailuresStopAfterTheRowsMaxAttempts) {
  brevo_.script({FakeBrevo::error(502, "bad_gateway", "a"), FakeBrevo::error(429, "too_many", "b"),
                 FakeBrevo::error(500, "internal_error", "c")});
  start();
  std::string id = queue("welcome", "never@example.com", "welcome");
  ASSERT_TRUE(wait_status(id, "failed"));
  EXPECT_EQ(brevo_.calls().size(), 3u);
  EXPECT_EQ(column(id, "attempt_count"), "3");
  EXPECT_TRUE(contains(column(id, "last_error"), "gave up after 3 attempts: HTTP 500 internal_error: c"))
      << column(id, "last_error");
}

TEST_F(MailWorkerTest, ARefusalFailsAtOnceWithBrevosReason) {
  brevo_.script({FakeBrevo::error(400, "invalid_parameter", "email is not valid in to")});
  start();
  std::string bad = queue("welcome", "not-an-address", "welcome");
  std::string unknown = queue("welcome", "ok@example.com", "noSuchTemplate");
  ASSERT_TRUE(wait_status(bad, "failed"));
  EXPECT_EQ(column(bad, "last_error"), "HTTP 400 invalid_parameter: email is not valid in to");
  EXPECT_EQ(column(bad, "attempt_count"), "1");
  ASSERT_TRUE(wait_status(unknown, "failed"));
  EXPECT_TRUE(contains(column(unknown, "last_error"), "noSuchTemplate"));
  EXPECT_EQ(column(unknown, "attempt_count"), "0") << "never sent";
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(brevo_.calls().size(), 1u) << "no retry after a 400";
  EXPECT_TRUE(contains(metrics(), "wh_mail_failed_total 2"));
}

TEST_F(MailWorkerTest, TwoInstancesSendEachEmailExactlyOnce) {
  start();
  RunningApp second(server_.config);
  std::set<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    ids.insert(queue("welcome", "twice" + std::to_string(i) + "@example.com", "welcome"));
  }
  ASSERT_TRUE(auth::wait_until([&] { return qn("SELECT count(*) FROM email_logs WHERE status = 'sent'") == 30; }, 10s));
  std::this_thread::sleep_for(500ms);
  std::multiset<std::string> recipients;
  for (const auto& c : brevo_.calls()) recipients.insert(c.to);
  EXPECT_EQ(recipients.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(recipients.count("twice" + std::to_string(i) + "@example.com"), 1u);
}

TEST_F(MailWorkerTest, OptedOutRecipientsAreSkippedButTransactionalMailStillGoes) {
  const std::string out = "opted.out@example.com", partial = "no.carts@example.com";
  q("INSERT INTO email_preferences (id, email, unsubscribed_from_all, marketing_emails, abandoned_cart_emails,"
    " back_in_stock_emails, created_at, updated_at) VALUES ('prefout', '" +
    out +
    "', true, true, true, true, now(), now()),"
    " ('prefpart', '" +
    partial + "', false, true, false, true, now(), now())");
  start();
  std::string cart = queue("abandoned_cart", out, "abandonedCart");
  std::string promo = queue("promotional", out, "backInStock");
  std::string order = queue("order_confirmation", out, "orderConfirmation");
  std::string cart2 = queue("abandoned_cart", partial, "abandonedCart");
  std::string stock2 = queue("back_in_stock", partial, "backInStock", json::object{{"product_name", "Bob"}});
  ASSERT_TRUE(wait_status(order, "sent"));
  ASSERT_TRUE(wait_status(stock2, "sent"));
  EXPECT_EQ(status(cart), "skipped");
  EXPECT_EQ(column(cart, "last_error"), "recipient unsubscribed from all e-mails");
  EXPECT_EQ(status(promo), "skipped");
  EXPECT_EQ(status(cart2), "skipped");
  EXPECT_EQ(column(cart2, "last_error"), "recipient turned abandoned-cart e-mails off");
  EXPECT_EQ(brevo_.delivered(out).size(), 1u);
  auto sent = brevo_.delivered(partial);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(contains(sent[0].list_unsubscribe, "<https://api.wighaven.test/api/unsubscribe/one-click?email="))
      << sent[0].list_unsubscribe;
  EXPECT_TRUE(contains(sent[0].html, "Unsubscribe"));
  EXPECT_TRUE(contains(metrics(), "wh_mail_skipped_total 3"));
}

TEST_F(MailWorkerTest, WithoutAnApiKeyNothingIsSentAndRowsStayQueued) {
  server_.config.brevo_api_key.clear();
  start();
  std::string id = queue("welcome", "later@example.com", "welcome");
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(status(id), "queued");
  EXPECT_TRUE(brevo_.calls().empty());
}

}  // namespace
}  // namespace wh::test
