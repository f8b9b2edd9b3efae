// The unsubscribe routes (reference §1.27) and the signed one-click link of
// the e-mails.
#include <gtest/gtest.h>

#include "mail/mail_fixture.h"
#include "mail/unsubscribe_link.h"

namespace wh::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class UnsubscribeTest : public MailTest {
 protected:
  std::string prefs(const std::string& email) {
    return q(
        "SELECT concat_ws(',', unsubscribed_from_all, marketing_emails, abandoned_cart_emails,"
        " back_in_stock_emails) FROM email_preferences WHERE email = " +
        auth::sql_quote(email));
  }
  // The path and query of a one-click link.
  static std::string target_of(const std::string& url) { return url.substr(url.find("/api/unsubscribe")); }
};

TEST_F(UnsubscribeTest, PostUnsubscribesAnyAddressWithTheSameAnswer) {
  const std::string known = server_.verified_customer();
  auto a = server_.post("/api/unsubscribe", json::object{{"email", known}});
  auto b = server_.post("/api/unsubscribe", json::object{{"email", "Nobody@Example.com"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.json().at("message"), "Successfully unsubscribed from all emails");
  EXPECT_EQ(prefs(known), "t,f,f,f");
  EXPECT_EQ(prefs("nobody@example.com"), "t,f,f,f");
  EXPECT_EQ(q("SELECT user_id = (SELECT id FROM users WHERE email = " + auth::sql_quote(known) +
              ") FROM email_preferences WHERE email = " + auth::sql_quote(known)),
            "t")
      << "linked to the account";
  // Again: still one row, still unsubscribed.
  EXPECT_EQ(server_.post("/api/unsubscribe", json::object{{"email", known}}).status, 200);
  EXPECT_EQ(qn("SELECT count(*) FROM email_preferences WHERE email = " + auth::sql_quote(known)), 1);

  auto bad = server_.post("/api/unsubscribe", json::object{{"email", "not an address"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(auth::has_field_error(bad, "email", "Please provide a valid email address")) << bad.body;
}

TEST_F(UnsubscribeTest, PostIsRateLimitedPerClient) {
  int last = 0;
  for (int i = 0; i < 21; ++i) last = server_.post("/api/unsubscribe", json::object{{"email", "x@example.com"}}).status;
  EXPECT_EQ(last, 429);
}

TEST_F(UnsubscribeTest, PreferencesAreTheSignedInUsersOwnWithTheOldShapes) {
  EXPECT_EQ(server_.get("/api/unsubscribe/preferences").status, 401);
  const std::string email = server_.verified_customer(1);
  std::string token = server_.tokens(email, auth::kCustomerPassword).first;
  auto none = server_.get("/api/unsubscribe/preferences", auth::bearer(token));
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json().at("data"), json::parse(R"({"unsubscribedFromAll":false,"marketingEmails":true,)"
                                                R"("abandonedCartEmails":true,"backInStockEmails":true})"));

  auto headers = auth::bearer(token);
  headers.emplace_back("Content-Type", "application/json");
  auto missing = HttpClient(server_.port())
                     .request("PUT", "/api/unsubscribe/preferences",
                              R"({"marketingEmails":"yes","abandonedCartEmails":true})", headers);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(auth::has_field_error(missing, "marketingEmails", "\"marketingEmails\" must be a boolean"))
      << missing.body;
  EXPECT_TRUE(auth::has_field_error(missing, "backInStockEmails", "\"backInStockEmails\" is required"));

  auto put = HttpClient(server_.port())
                 .request("PUT", "/api/unsubscribe/preferences",
                          R"({"marketingEmails":false,"abandonedCartEmails":true,"backInStockEmails":false})", headers);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("message"), "Email preferences updated successfully");
  EXPECT_EQ(put.json().at("data").at("email"), json::value(email));
  EXPECT_EQ(put.json().at("data").at("abandonedCartEmails"), true);
  EXPECT_EQ(prefs(email), "f,f,t,f");
  auto got = server_.get("/api/unsubscribe/preferences", auth::bearer(token));
  EXPECT_EQ(got.json().at("data").at("marketingEmails"), false);
  EXPECT_EQ(got.json().at("data").at("userId"), json::value(server_.user_id(email)));

  auto all_off =
      HttpClient(server_.port())
          .request("PUT", "/api/unsubscribe/preferences",
                   R"({"marketingEmails":false,"abandonedCartEmails":false,"backInStockEmails":false})", headers);
  ASSERT_EQ(all_off.status, 200);
  EXPECT_EQ(prefs(email), "t,f,f,f") << "all three off = unsubscribed from all";
  EXPECT_EQ(qn("SELECT count(*) FROM email_preferences WHERE email = " + auth::sql_quote(email)), 1);
}

TEST_F(UnsubscribeTest, TheSignedLinkOfAnEmailUnsubscribesWithoutSigningIn) {
  const std::string email = "Link.User@Example.com";
  start();
  std::string first = queue("back_in_stock", email, "backInStock", json::object{{"product_name", "Bob"}});
  ASSERT_TRUE(wait_status(first, "sent"));
  auto mail = brevo_.delivered(email).at(0);
  auto at = mail.html.find("https://api.wighaven.test/api/unsubscribe/one-click?");
  ASSERT_NE(at, std::string::npos) << mail.html;
  std::string link = mail.html.substr(at, mail.html.find('"', at) - at);
  for (auto amp = link.find("&amp;"); amp != std::string::npos; amp = link.find("&amp;")) link.replace(amp, 5, "&");
  EXPECT_EQ(mail.list_unsubscribe, "<" + link + ">");

  // A forged or altered token is refused.
  std::string forged = target_of(link);
  forged[forged.size() - 1] = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(server_.get(forged).status, 400);
  EXPECT_EQ(server_.get("/api/unsubscribe/one-click?email=link.user%40example.com").status, 400);
  EXPECT_EQ(server_.get(target_of(link) + "x").status, 400);
  EXPECT_EQ(prefs("link.user@example.com"), "");

  auto page = server_.get(target_of(link));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("You are unsubscribed"), std::string::npos);
  EXPECT_EQ(prefs("link.user@example.com"), "t,f,f,f");
  // The mail client's one-click POST (RFC 8058) works too.
  EXPECT_EQ(server_.post_raw(target_of(link), "List-Unsubscribe=One-Click").status, 200);

  std::string second = queue("back_in_stock", email, "backInStock");
  std::string receipt = queue("order_confirmation", email, "orderConfirmation");
  ASSERT_TRUE(wait_status(receipt, "sent"));
  EXPECT_EQ(status(second), "skipped");
}

TEST(UnsubscribeLinkTest, TheTokenDependsOnTheSecretAndTheAddressOnly) {
  Config c;
  c.jwt_secret = "jwt-secret-0123456789-0123456789-0123";
  c.public_api_url = "https://api.example";
  const std::string secret = mail::unsubscribe_secret(c);
  EXPECT_NE(secret, c.jwt_secret);
  auto token = mail::unsubscribe_token(secret, "a@b.c");
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(mail::valid_unsubscribe_token(secret, "A@B.C", token)) << "addresses compare lower-cased";
  EXPECT_FALSE(mail::valid_unsubscribe_token(secret, "a@b.cd", token));
  EXPECT_FALSE(mail::valid_unsubscribe_token("other", "a@b.c", token));
  EXPECT_FALSE(mail::valid_unsubscribe_token(secret, "a@b.c", token.substr(1)));
  c.unsubscribe_secret = "explicit-secret";
  EXPECT_EQ(mail::unsubscribe_secret(c), "explicit-secret");
  EXPECT_EQ(mail::unsubscribe_url(c, "A+B@c.d"),
            "https://api.example/api/unsubscribe/one-click?email=a%2Bb%40c.d&token=" +
                mail::unsubscribe_token("explicit-secret", "a+b@c.d"));
}

}  // namespace
}  // namespace wh::test
