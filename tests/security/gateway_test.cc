// Compatibility with the gateway Worker the old project runs (reference
// §8.1): its /gateway-health keep-alive, and the client's token moved to
// x-forwarded-auth while Authorization carries the platform's token.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "accounts/auth_test_support.h"
#include "accounts/authenticate.h"

namespace wh::test::auth {
namespace {

TEST(GatewayHealth, AnswersTheKeepAliveWithoutTheDatabase) {
  AuthServer s;
  s.config.origin_secret = "s3cret-of-at-least-some-length";  // the old gateway does not send ours
  auto r = s.get("/gateway-health", {{"Authorization", "Bearer hf_platform_token"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.statements(), 0);
  auto v = r.json().as_object();
  EXPECT_EQ(v.size(), 3u) << r.body;
  EXPECT_EQ(v.at("status"), "ok");
  EXPECT_EQ(v.at("service"), "wighaven-backend");
  EXPECT_TRUE(std::regex_match(str(v.at("timestamp")), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << r.body;
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  // Its cron every 30 minutes must never meet the general limit.
  s.stop();
  s.config.rate_limit_max = 1;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s.get("/gateway-health").status, 200);
}

http::Request with_headers(const Headers& headers) {
  http::Request r;
  for (const auto& [k, v] : headers) r.headers.emplace_back(k, v);
  return r;
}

TEST(GatewayAuth, TheForwardedClientTokenComesBeforeAuthorization) {
  using accounts::extract_token;
  EXPECT_EQ(extract_token(with_headers({{"authorization", "Bearer hf_x"}, {"x-forwarded-auth", "Bearer client"}})),
            "client");
  EXPECT_EQ(extract_token(with_headers({{"authorization", "Bearer hf_x"}})), "hf_x");
  EXPECT_EQ(extract_token(with_headers({{"authorization", "Bearer a"}, {"x-forwarded-auth", "Basic b"}})), "a");
  EXPECT_EQ(extract_token(with_headers({{"x-auth-token", "t"}, {"x-forwarded-auth", "Bearer client"}})), "t");
  EXPECT_EQ(extract_token(with_headers({})), std::nullopt);
}

TEST(GatewayAuth, TheClientBehindTheGatewayIsTheOneSignedIn) {
  AuthServer s;
  const std::string customer = s.verified_customer();
  const std::string customer_token = s.tokens(customer, kCustomerPassword).first;
  const std::string admin_token = s.tokens(kAdminEmail, kAdminPassword).first;
  auto me = [&](const Headers& h) { return s.get("/api/auth/me", h); };
  auto email = [](const HttpResult& r) { return str(r.json().at("data").at("user").at("email")); };

  // The old gateway: the client's Authorization moved, the platform's put in.
  auto r = me({{"Authorization", "Bearer hf_platform_token"}, {"x-forwarded-auth", "Bearer " + customer_token}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(email(r), customer);
  // Even when the platform's token is a valid token of someone else.
  r = me({{"Authorization", "Bearer " + admin_token}, {"x-forwarded-auth", "Bearer " + customer_token}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(email(r), customer);
  // No client token: the platform's token is not a user.
  EXPECT_EQ(me({{"Authorization", "Bearer hf_platform_token"}}).status, 401);
}

}  // namespace
}  // namespace wh::test::auth
