// The twelve /api/auth routes through the real server on a scratch copy of
// the seeded database: success and failure shapes, database side effects,
// and the deliberate fixes over the old backend (see notes/auth-shapes.md).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "accounts/auth_test_support.h"
#include "core/crypto.h"
#include "support/json_checks.h"

namespace wh::test::auth {
namespace {

constexpr const char* kNewPassword = "N3w@Passw0rd";

bool looks_like_jwt(const json::value& v) {
  if (!v.is_string()) return false;
  std::string t(v.as_string());
  return jwt_parts(t).size() == 3 && jwt_header(t).at("alg") == "HS256";
}

// The public user object: exactly the old backend's 10 camelCase keys.
void expect_user_object(const json::value& u, const std::string& email) {
  ASSERT_TRUE(u.is_object()) << json::serialize(u);
  const json::object& o = u.as_object();
  EXPECT_EQ(o.size(), 10u) << json::serialize(u);
  for (const char* k : {"id", "email", "firstName", "lastName", "phone", "role", "emailVerified", "isActive",
                        "createdAt", "updatedAt"}) {
    EXPECT_TRUE(o.contains(k)) << "missing " << k << " in " << json::serialize(u);
  }
  EXPECT_FALSE(o.contains("password"));
  EXPECT_FALSE(o.contains("failedLoginAttempts"));
  EXPECT_FALSE(o.contains("lockedUntil"));
  EXPECT_EQ(o.at("email"), json::value(email));
  EXPECT_TRUE(o.at("id").is_string());
  EXPECT_TRUE(o.at("emailVerified").is_bool());
  EXPECT_TRUE(o.at("isActive").is_bool());
  EXPECT_TRUE(is_iso_time(o.at("createdAt"))) << o.at("createdAt");
  EXPECT_TRUE(is_iso_time(o.at("updatedAt"))) << o.at("updatedAt");
}

void expect_unauthorized(const HttpResult& r, const std::string& message) {
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.json().at("success"), false) << r.body;
  EXPECT_EQ(error_type(r), "UnauthorizedError") << r.body;
  EXPECT_EQ(error_message(r), message) << r.body;
}

json::object registration(const std::string& email, const std::string& password = "Str0ng@Pass",
                          const std::string& first = "Ama", const std::string& last = "Mensah") {
  return json::object{{"email", email}, {"password", password}, {"firstName", first}, {"lastName", last}};
}

class AuthRoutes : public ::testing::Test {
 protected:
  AuthServer s;

  // The raw token of the newest queued e-mail of `type` to `to`, taken from
  // the link variable `var` of its template data.
  std::string mailed_token(const std::string& to, const std::string& type, const std::string& var) {
    std::string link = s.q("SELECT template_data->'variables'->>" + sql_quote(var) +
                           " FROM email_logs WHERE to_email = " + sql_quote(to) + " AND type = " + sql_quote(type) +
                           " AND status = 'queued' ORDER BY created_at DESC, id DESC LIMIT 1");
    EXPECT_FALSE(link.empty()) << "no queued " << type << " e-mail to " << to;
    return query_value(link, "token");
  }
  long long queued(const std::string& to, const std::string& type) {
    return s.qn("SELECT count(*) FROM email_logs WHERE to_email = " + sql_quote(to) + " AND type = " + sql_quote(type) +
                " AND status = 'queued'");
  }
};

// ---- register ---------------------------------------------------------------------

TEST_F(AuthRoutes, RegisterCreatesTheAccountAndAnswers201WithUserAndTokens) {
  auto r = s.post("/api/auth/register", json::object{{"email", "  Ama.Mensah@Example.COM "},
                                                     {"password", "Str0ng@Pass"},
                                                     {"firstName", "Ama"},
                                                     {"lastName", "Mensah-Owusu"},
                                                     {"phone", "+233241234567"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), true);
  const std::string email = "ama.mensah@example.com";
  expect_user_object(v.at("data").at("user"), email);
  const auto& user = v.at("data").at("user").as_object();
  EXPECT_EQ(user.at("firstName"), "Ama");
  EXPECT_EQ(user.at("lastName"), "Mensah-Owusu");
  EXPECT_EQ(user.at("phone"), "+233241234567");
  EXPECT_EQ(user.at("role"), "customer");
  EXPECT_EQ(user.at("emailVerified"), false);
  EXPECT_EQ(user.at("isActive"), true);
  ASSERT_TRUE(looks_like_jwt(v.at("data").at("accessToken"))) << r.body;
  ASSERT_TRUE(looks_like_jwt(v.at("data").at("refreshToken"))) << r.body;

  const std::string id = str(user.at("id"));
  EXPECT_EQ(s.user_id(email), id);
  auto access = jwt_payload(str(v.at("data").at("accessToken")));
  EXPECT_EQ(access.at("sub"), json::value(id));
  EXPECT_EQ(access.at("role"), "customer");
  EXPECT_EQ(access.at("email"), json::value(email));
  auto refresh = jwt_payload(str(v.at("data").at("refreshToken")));
  EXPECT_EQ(refresh.at("sub"), json::value(id));
  EXPECT_FALSE(refresh.contains("role"));
  EXPECT_EQ(refresh.at("exp").as_int64() - refresh.at("iat").as_int64(), 7 * 86400);

  // The database: a bcrypt hash, a verification token, a queued e-mail, a welcome notification.
  std::string hash = s.q("SELECT password FROM users WHERE id = " + sql_quote(id));
  EXPECT_EQ(hash.rfind("$2", 0), 0u) << hash;
  EXPECT_EQ(hash.size(), 60u);
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email = " + sql_quote(email) + " AND NOT email_verified"), 1);
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_verification_tokens WHERE user_id = " + sql_quote(id) +
                 " AND expires_at > now() AT TIME ZONE 'UTC'"),
            1);
  EXPECT_EQ(queued(email, "email_verification"), 1);
  EXPECT_EQ(s.qn("SELECT count(*) FROM notifications WHERE user_id = " + sql_quote(id) + " AND type = 'welcome'"), 1);

  // The mailed link carries the raw token; the database holds only its SHA-256.
  std::string link = s.q("SELECT template_data->'variables'->>'verification_link' FROM email_logs WHERE to_email = " +
                         sql_quote(email) + " AND type = 'email_verification'");
  EXPECT_EQ(link.rfind(s.config.frontend_url + "/verify-email?token=", 0), 0u) << link;
  std::string raw = mailed_token(email, "email_verification", "verification_link");
  ASSERT_EQ(raw.size(), 64u) << raw;
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_verification_tokens WHERE token = " + sql_quote(sha256_hex(raw))), 1);
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_verification_tokens WHERE token = " + sql_quote(raw)), 0);

  // The access token works at once.
  auto me = s.me(str(v.at("data").at("accessToken")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("data").at("user").at("id"), json::value(id));
}

TEST_F(AuthRoutes, RegisterWithoutPhoneStoresNull) {
  auto r = s.post("/api/auth/register", registration("no.phone@example.com"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.json().at("data").at("user").at("phone").is_null()) << r.body;
  auto r2 = s.post("/api/auth/register", json::object{{"email", "empty.phone@example.com"},
                                                      {"password", "Str0ng@Pass"},
                                                      {"firstName", "Ama"},
                                                      {"lastName", "Mensah"},
                                                      {"phone", ""}});
  ASSERT_EQ(r2.status, 201) << r2.body;
  EXPECT_TRUE(r2.json().at("data").at("user").at("phone").is_null()) << r2.body;
}

TEST_F(AuthRoutes, RegisterRejectsABadEmail) {
  for (const char* bad : {"not-an-email", "a@b", "two@@example.com", "sp ace@example.com"}) {
    auto r = s.post("/api/auth/register", registration(bad));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(error_type(r), "ValidationError") << r.body;
    EXPECT_EQ(error_message(r), "Validation failed") << r.body;
    EXPECT_TRUE(has_field_error(r, "email", "Please provide a valid email address")) << bad << ": " << r.body;
  }
  auto missing =
      s.post("/api/auth/register", json::object{{"password", "Str0ng@Pass"}, {"firstName", "A"}, {"lastName", "B"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(has_field_error(missing, "email", "Email is required")) << missing.body;
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email = 'not-an-email'"), 0);
}

TEST_F(AuthRoutes, RegisterEnforcesThePasswordPolicy) {
  const std::string pattern =
      "Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number, and 1 special character "
      "(@$!%*?&#)";
  auto short_pw = s.post("/api/auth/register", registration("pw1@example.com", "Ab1@"));
  EXPECT_EQ(short_pw.status, 400) << short_pw.body;
  EXPECT_TRUE(has_field_error(short_pw, "password", "Password must be at least 8 characters long")) << short_pw.body;

  for (const char* weak : {"alllowercase1@", "ALLUPPERCASE1@", "NoDigitsHere@", "NoSpecial123"}) {
    auto r = s.post("/api/auth/register", registration("pw2@example.com", weak));
    EXPECT_EQ(r.status, 400) << weak << ": " << r.body;
    EXPECT_TRUE(has_field_error(r, "password", pattern)) << weak << ": " << r.body;
  }
  auto too_long = s.post("/api/auth/register", registration("pw3@example.com", "Aa1@" + std::string(69, 'x')));
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email LIKE 'pw_@example.com'"), 0);
}

TEST_F(AuthRoutes, RegisterValidatesNamesAndReportsEveryFailingField) {
  auto bad_name = s.post("/api/auth/register", registration("names@example.com", "Str0ng@Pass", "R2D2", "Smith"));
  EXPECT_EQ(bad_name.status, 400) << bad_name.body;
  EXPECT_TRUE(has_field_error(bad_name, "firstName", "Name can only contain letters, spaces, and hyphens"))
      << bad_name.body;

  auto no_last =
      s.post("/api/auth/register",
             json::object{{"email", "names@example.com"}, {"password", "Str0ng@Pass"}, {"firstName", "Ama"}});
  EXPECT_EQ(no_last.status, 400) << no_last.body;
  EXPECT_TRUE(has_field_error(no_last, "lastName", "This field is required")) << no_last.body;

  auto long_name =
      s.post("/api/auth/register", registration("names@example.com", "Str0ng@Pass", std::string(101, 'a'), "Smith"));
  EXPECT_EQ(long_name.status, 400) << long_name.body;
  EXPECT_TRUE(has_field_error(long_name, "firstName", "Name must not exceed 100 characters")) << long_name.body;

  // abortEarly:false: every field's failure at once.
  auto all = s.post("/api/auth/register", registration("bad", "weak", "1", ""));
  ASSERT_EQ(all.status, 400) << all.body;
  EXPECT_TRUE(has_field_error(all, "email", "Please provide a valid email address")) << all.body;
  EXPECT_TRUE(has_field_error(all, "password", "Password must be at least 8 characters long")) << all.body;
  EXPECT_TRUE(has_field_error(all, "firstName", "Name can only contain letters, spaces, and hyphens")) << all.body;
  EXPECT_TRUE(has_field_error(all, "lastName", "This field is required")) << all.body;

  auto bad_phone = s.post("/api/auth/register", json::object{{"email", "names@example.com"},
                                                             {"password", "Str0ng@Pass"},
                                                             {"firstName", "Ama"},
                                                             {"lastName", "Mensah"},
                                                             {"phone", "0241234567"}});
  EXPECT_EQ(bad_phone.status, 400) << bad_phone.body;
  EXPECT_TRUE(has_field_error(bad_phone, "phone", "Phone must be in E.164 format (e.g., +1234567890)"))
      << bad_phone.body;
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email = 'names@example.com'"), 0);
}

TEST_F(AuthRoutes, RegisterWithAVerifiedEmailIs409ShouldLogin) {
  std::string email = s.verified_customer();
  std::string before = s.q("SELECT password FROM users WHERE email = " + sql_quote(email));
  auto r = s.post("/api/auth/register", registration(email));
  ASSERT_EQ(r.status, 409) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), false);
  EXPECT_EQ(v.at("shouldLogin"), true);
  EXPECT_EQ(v.at("error").at("code"), "EMAIL_ALREADY_VERIFIED");
  EXPECT_TRUE(v.at("error").at("message").is_string());
  EXPECT_FALSE(v.as_object().contains("data"));
  // Upper case is the same account.
  std::string upper = email;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(s.post("/api/auth/register", registration(upper)).status, 409);
  EXPECT_EQ(s.q("SELECT password FROM users WHERE email = " + sql_quote(email)), before);
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE lower(email) = " + sql_quote(email)), 1);
}

TEST_F(AuthRoutes, RegisterWithAnUnverifiedEmailResendsTheLinkAndIssuesNothing) {
  std::string email = s.unverified_customer();
  std::string id = s.user_id(email);
  std::string before = s.q("SELECT password FROM users WHERE id = " + sql_quote(id));
  long long mails = queued(email, "email_verification");
  auto r = s.post("/api/auth/register", registration(email, "Different@123"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), true);
  EXPECT_EQ(v.at("message"),
            "Account already exists but was not verified. A new verification link has been sent to your email.");
  EXPECT_FALSE(v.as_object().contains("data")) << r.body;
  EXPECT_EQ(queued(email, "email_verification"), mails + 1);
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_verification_tokens WHERE user_id = " + sql_quote(id)), 1);
  // The password sent is ignored.
  EXPECT_EQ(s.q("SELECT password FROM users WHERE id = " + sql_quote(id)), before);
}

// ---- login --------------------------------------------------------------------------

TEST_F(AuthRoutes, LoginAnswers200WithUserAndTokens) {
  std::string email = s.verified_customer();
  auto r = s.login(email, kCustomerPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), true);
  expect_user_object(v.at("data").at("user"), email);
  EXPECT_EQ(v.at("data").at("user").at("role"), "customer");
  EXPECT_EQ(v.at("data").at("user").at("emailVerified"), true);
  ASSERT_TRUE(looks_like_jwt(v.at("data").at("accessToken")));
  ASSERT_TRUE(looks_like_jwt(v.at("data").at("refreshToken")));
  auto access = jwt_payload(str(v.at("data").at("accessToken")));
  EXPECT_EQ(access.at("sub"), json::value(s.user_id(email)));
  EXPECT_EQ(access.at("email"), json::value(email));
  EXPECT_EQ(access.at("role"), "customer");
  EXPECT_EQ(access.at("exp").as_int64() - access.at("iat").as_int64(), 3600);
  EXPECT_LE(std::abs(access.at("iat").as_int64() - now_s()), 5);

  // Case and surrounding spaces in the e-mail do not matter.
  std::string upper = "  " + email + " ";
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(s.login(upper, kCustomerPassword).status, 200);

  auto admin = s.login(kAdminEmail, kAdminPassword);
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(admin.json().at("data").at("user").at("role"), "admin");
  EXPECT_EQ(jwt_payload(str(admin.json().at("data").at("accessToken"))).at("role"), "admin");
  auto super = s.login(kSuperEmail, kAdminPassword);
  ASSERT_EQ(super.status, 200) << super.body;
  EXPECT_EQ(super.json().at("data").at("user").at("role"), "super_admin");
}

TEST_F(AuthRoutes, LoginWithAnUnknownEmailOrAWrongPasswordIs401) {
  auto unknown = s.login("nobody-here@example.com", kCustomerPassword);
  expect_unauthorized(unknown, "Invalid email or password");
  EXPECT_EQ(unknown.json().as_object().size(), 2u) << unknown.body;

  std::string email = s.verified_customer();
  auto wrong = s.login(email, "Wrong@Pass1");
  expect_unauthorized(wrong, "Invalid email or password");
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(s.qn("SELECT failed_login_attempts FROM users WHERE email = " + sql_quote(email)), 1);

  // A success resets the counter.
  ASSERT_EQ(s.login(email, kCustomerPassword).status, 200);
  EXPECT_EQ(s.qn("SELECT failed_login_attempts FROM users WHERE email = " + sql_quote(email)), 0);
}

TEST_F(AuthRoutes, LoginValidatesTheBody) {
  auto no_pw = s.post("/api/auth/login", json::object{{"email", "a@example.com"}});
  EXPECT_EQ(no_pw.status, 400) << no_pw.body;
  EXPECT_TRUE(has_field_error(no_pw, "password", "Password is required")) << no_pw.body;
  auto bad_email = s.post("/api/auth/login", json::object{{"email", "nope"}, {"password", "x"}});
  EXPECT_EQ(bad_email.status, 400) << bad_email.body;
  EXPECT_TRUE(has_field_error(bad_email, "email", "Please provide a valid email address")) << bad_email.body;
  auto bad_remember =
      s.post("/api/auth/login",
             json::object{{"email", s.verified_customer()}, {"password", kCustomerPassword}, {"rememberMe", "yes"}});
  EXPECT_EQ(bad_remember.status, 400) << bad_remember.body;
}

TEST_F(AuthRoutes, UnverifiedAccountIsRevealedOnlyWithTheRightPassword) {
  std::string email = s.unverified_customer();
  auto right = s.login(email, kCustomerPassword);
  ASSERT_EQ(right.status, 401) << right.body;
  auto v = right.json();
  EXPECT_EQ(v.at("success"), false);
  EXPECT_EQ(v.at("needsVerification"), true);
  EXPECT_EQ(v.at("email"), json::value(email));
  EXPECT_EQ(v.at("error").at("code"), "EMAIL_NOT_VERIFIED");
  EXPECT_EQ(v.at("error").at("message"),
            "Email not verified. Please check your inbox or resend the verification link.");
  EXPECT_FALSE(v.as_object().contains("data")) << right.body;

  auto wrong = s.login(email, "Wrong@Pass1");
  expect_unauthorized(wrong, "Invalid email or password");
  EXPECT_FALSE(wrong.json().as_object().contains("needsVerification")) << wrong.body;
  EXPECT_FALSE(wrong.json().as_object().contains("email")) << wrong.body;
  EXPECT_EQ(wrong.body.find(email), std::string::npos) << wrong.body;
}

TEST_F(AuthRoutes, DeactivatedAccountIsRevealedOnlyWithTheRightPassword) {
  std::string email = s.verified_customer();
  s.q("UPDATE users SET is_active = false WHERE email = " + sql_quote(email));
  expect_unauthorized(s.login(email, "Wrong@Pass1"), "Invalid email or password");
  expect_unauthorized(s.login(email, kCustomerPassword), "Account has been deactivated");
}

TEST_F(AuthRoutes, FiveWrongPasswordsLockTheAccount) {
  s.config.rate_limits = false;  // the login IP limit is also 5 failures
  std::string email = s.verified_customer();
  for (int i = 1; i <= 4; ++i) {
    auto r = s.login(email, "Wrong@Pass" + std::to_string(i));
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
  }
  auto fifth = s.login(email, "Wrong@Pass5");
  ASSERT_EQ(fifth.status, 423) << fifth.body;
  EXPECT_EQ(fifth.json().at("success"), false);
  EXPECT_EQ(error_message(fifth), "Too many failed login attempts. Account locked for 15 minutes.");
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email = " + sql_quote(email) +
                 " AND locked_until > now() AT TIME ZONE 'UTC' + interval '14 minutes'"
                 " AND locked_until <= now() AT TIME ZONE 'UTC' + interval '15 minutes 5 seconds'"),
            1)
      << s.q("SELECT locked_until::text FROM users WHERE email = " + sql_quote(email));

  // Even the right password is refused while the lock lasts, and no token is issued.
  auto right = s.login(email, kCustomerPassword);
  ASSERT_EQ(right.status, 423) << right.body;
  EXPECT_EQ(error_message(right).rfind("Account locked", 0), 0u) << right.body;
  EXPECT_NE(error_message(right).find("15 minutes"), std::string::npos) << right.body;
  EXPECT_EQ(right.body.find("accessToken"), std::string::npos);

  // Once the lock has expired, the right password works and clears the state.
  s.q("UPDATE users SET locked_until = now() AT TIME ZONE 'UTC' - interval '1 minute' WHERE email = " +
      sql_quote(email));
  ASSERT_EQ(s.login(email, kCustomerPassword).status, 200);
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE email = " + sql_quote(email) +
                 " AND failed_login_attempts = 0 AND locked_until IS NULL"),
            1);
}

TEST_F(AuthRoutes, RememberMeGivesA30DayRefreshToken) {
  std::string email = s.verified_customer();
  auto lifetime = [&](const json::object& body) -> std::int64_t {
    auto r = s.post("/api/auth/login", body);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return -1;
    auto p = jwt_payload(str(r.json().at("data").at("refreshToken")));
    return p.at("exp").as_int64() - p.at("iat").as_int64();
  };
  EXPECT_EQ(lifetime(json::object{{"email", email}, {"password", kCustomerPassword}, {"rememberMe", true}}),
            30 * 86400);
  EXPECT_EQ(lifetime(json::object{{"email", email}, {"password", kCustomerPassword}, {"rememberMe", false}}),
            7 * 86400);
  EXPECT_EQ(lifetime(json::object{{"email", email}, {"password", kCustomerPassword}}), 7 * 86400);

  // A rotated remember-me token stays long-lived; a normal one stays 7 d.
  auto r =
      s.post("/api/auth/login", json::object{{"email", email}, {"password", kCustomerPassword}, {"rememberMe", true}});
  ASSERT_EQ(r.status, 200);
  auto rotated = s.post("/api/auth/refresh", json::object{{"refreshToken", r.json().at("data").at("refreshToken")}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto p = jwt_payload(str(rotated.json().at("data").at("refreshToken")));
  EXPECT_EQ(p.at("exp").as_int64() - p.at("iat").as_int64(), 30 * 86400);
}

// ---- refresh ------------------------------------------------------------------------

TEST_F(AuthRoutes, RefreshRotatesThePairAndRejectsReplay) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  ASSERT_FALSE(refresh.empty());

  auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("success"), true);
  const auto& data = v.at("data").as_object();
  EXPECT_EQ(data.size(), 2u) << r.body;
  ASSERT_TRUE(looks_like_jwt(data.at("accessToken")));
  ASSERT_TRUE(looks_like_jwt(data.at("refreshToken")));
  std::string access2 = str(data.at("accessToken")), refresh2 = str(data.at("refreshToken"));
  EXPECT_NE(access2, access);
  EXPECT_NE(refresh2, refresh);
  EXPECT_EQ(jwt_payload(access2).at("sub"), json::value(s.user_id(email)));
  EXPECT_EQ(jwt_payload(access2).at("role"), "customer");
  EXPECT_EQ(s.me(access2).status, 200);

  // The spent token is refused; the new one works exactly once.
  auto replay = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}});
  EXPECT_EQ(replay.status, 401) << replay.body;
  EXPECT_EQ(error_type(replay), "UnauthorizedError");
  EXPECT_EQ(s.qn("SELECT count(*) FROM blacklisted_tokens WHERE token = " + sql_quote(refresh)), 1);
  auto next = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh2}});
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", refresh2}}).status, 401);
}

TEST_F(AuthRoutes, ConcurrentRefreshesWithOneTokenSucceedOnce) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  const unsigned short port = s.port();
  const std::string body = json::serialize(json::object{{"refreshToken", refresh}});
  constexpr int kRacers = 6;
  std::vector<int> statuses(kRacers, 0);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      try {
        statuses[static_cast<std::size_t>(i)] = HttpClient(port).request("POST", "/api/auth/refresh", body).status;
      } catch (...) {
        statuses[static_cast<std::size_t>(i)] = -1;
      }
    });
  }
  for (auto& t : racers) t.join();
  int ok = 0, refused = 0;
  for (int st : statuses) {
    ok += st == 200;
    refused += st == 401;
  }
  EXPECT_EQ(ok, 1) << "a refresh token must be spendable exactly once";
  EXPECT_EQ(refused, kRacers - 1);
}

TEST_F(AuthRoutes, RefreshIssuesTheCurrentRole) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  s.q("UPDATE users SET role = 'admin' WHERE email = " + sql_quote(email));
  auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string access2 = str(r.json().at("data").at("accessToken"));
  EXPECT_EQ(jwt_payload(access2).at("role"), "admin");
  auto me = s.me(access2);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("data").at("user").at("role"), "admin");
}

TEST_F(AuthRoutes, RefreshRefusesAccessTokensGarbageAndExpiredTokens) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  std::string id = s.user_id(email);
  const std::string& secret = s.config.jwt_secret;

  auto as_refresh = s.post("/api/auth/refresh", json::object{{"refreshToken", access}});
  EXPECT_EQ(as_refresh.status, 401) << as_refresh.body;
  EXPECT_EQ(error_type(as_refresh), "UnauthorizedError");

  for (const std::string& bad :
       {std::string("garbage"), std::string("eyJhbGciOiJIUzI1NiJ9.e30."),
        sign_jwt(refresh_payload(id, now_s() - 8 * 86400, now_s() - 86400), secret),                      // expired
        sign_jwt(refresh_payload(id, now_s(), now_s() + 86400), "another-secret-0123456789-0123456789"),  // wrong key
        sign_jwt(refresh_payload("no-such-user", now_s(), now_s() + 86400), secret)}) {
    auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", bad}});
    EXPECT_EQ(r.status, 401) << bad << ": " << r.body;
    EXPECT_EQ(error_type(r), "UnauthorizedError") << r.body;
  }
  auto missing = s.post("/api/auth/refresh", json::object{});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_TRUE(has_field_error(missing, "refreshToken", "Refresh token is required")) << missing.body;

  // An old-style refresh token (no jti) signed with our key is still fine.
  auto legacy =
      s.post("/api/auth/refresh",
             json::object{{"refreshToken", sign_jwt(refresh_payload(id, now_s(), now_s() + 7 * 86400), secret)}});
  EXPECT_EQ(legacy.status, 200) << legacy.body;
  // The genuine refresh token was never spent by the failures above.
  EXPECT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 200);
}

TEST_F(AuthRoutes, RefreshAfterAPasswordChangeIs401) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  sleep_past_second();
  auto change =
      s.post("/api/auth/change-password",
             json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kNewPassword}}, bearer(access));
  ASSERT_EQ(change.status, 200) << change.body;
  auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_type(r), "UnauthorizedError");
}

TEST_F(AuthRoutes, RefreshForADeactivatedAccountIs401) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  s.q("UPDATE users SET is_active = false WHERE email = " + sql_quote(email));
  auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}});
  expect_unauthorized(r, "Account has been deactivated");
}

// ---- logout ---------------------------------------------------------------------------

TEST_F(AuthRoutes, LogoutRevokesTheAccessToken) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto [other_access, other_refresh] = s.tokens(email, kCustomerPassword);
  ASSERT_NE(access, other_access);
  ASSERT_EQ(s.me(access).status, 200);

  auto r = s.post_raw("/api/auth/logout", "", bearer(access));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Logged out successfully"})"));
  expect_unauthorized(s.me(access), "Token has been revoked");
  EXPECT_EQ(s.qn("SELECT count(*) FROM blacklisted_tokens WHERE token = " + sql_quote(access) +
                 " AND expires_at > now() AT TIME ZONE 'UTC'"),
            1);
  // Logging out again with the revoked token is refused too.
  expect_unauthorized(s.post_raw("/api/auth/logout", "", bearer(access)), "Token has been revoked");
  // The other session is untouched.
  EXPECT_EQ(s.me(other_access).status, 200);
}

TEST_F(AuthRoutes, LogoutWithTheRefreshTokenEndsTheWholeSession) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto r = s.post("/api/auth/logout", json::object{{"refreshToken", refresh}}, bearer(access));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 401);
}

TEST_F(AuthRoutes, LogoutWithoutATokenIs401) {
  expect_unauthorized(s.post_raw("/api/auth/logout", ""), "Please log in to continue");
}

TEST_F(AuthRoutes, LogoutWorksForAnAccountWithALongEmail) {
  // 255 characters is a valid e-mail; the revocation row must still fit.
  std::string email = std::string(230, 'l') + "@long-example.com";
  ASSERT_LE(email.size(), 255u);
  auto reg = s.post("/api/auth/register", registration(email));
  ASSERT_EQ(reg.status, 201) << reg.body;
  std::string access = str(reg.json().at("data").at("accessToken"));
  ASSERT_EQ(s.me(access).status, 200);
  auto out = s.post_raw("/api/auth/logout", "", bearer(access));
  EXPECT_EQ(out.status, 200) << "access token of " << access.size() << " bytes: " << out.body;
  EXPECT_EQ(s.me(access).status, 401);
}

// ---- me -------------------------------------------------------------------------------

TEST_F(AuthRoutes, MeReturnsTheUser) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto r = s.me(access);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.as_object().size(), 2u);
  EXPECT_EQ(v.at("success"), true);
  EXPECT_EQ(v.at("data").as_object().size(), 1u);
  expect_user_object(v.at("data").at("user"), email);
  EXPECT_EQ(v.at("data").at("user").at("id"), json::value(s.user_id(email)));
  EXPECT_EQ(v.at("data").at("user").at("firstName"),
            json::value(s.q("SELECT first_name FROM users WHERE email = " + sql_quote(email))));
}

TEST_F(AuthRoutes, MeWithoutATokenIs401) {
  expect_unauthorized(s.get("/api/auth/me"), "Please log in to continue");
  // The Bearer prefix is case-sensitive, as before.
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  expect_unauthorized(s.get("/api/auth/me", {{"Authorization", "bearer " + access}}), "Please log in to continue");
}

TEST_F(AuthRoutes, MeAcceptsXAuthTokenAndBearer) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto x = s.get("/api/auth/me", {{"x-auth-token", access}});
  ASSERT_EQ(x.status, 200) << x.body;
  auto b = s.get("/api/auth/me", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(x.json(), b.json());
  // The Cloudflare Worker's header.
  EXPECT_EQ(s.get("/api/auth/me", {{"x-forwarded-auth", "Bearer " + access}}).status, 200);
  // x-auth-token wins when both are present.
  EXPECT_EQ(s.get("/api/auth/me", {{"x-auth-token", access}, {"Authorization", "Bearer garbage"}}).status, 200);
  expect_unauthorized(s.get("/api/auth/me", {{"x-auth-token", "garbage"}, {"Authorization", "Bearer " + access}}),
                      "Invalid token");
}

TEST_F(AuthRoutes, MeRefusesExpiredAndOrphanTokens) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  const std::string& secret = s.config.jwt_secret;
  expect_unauthorized(s.me(sign_jwt(access_payload(id, email, "customer", now_s() - 7200, now_s() - 3600), secret)),
                      "Token has expired");
  expect_unauthorized(
      s.me(sign_jwt(access_payload("cmnosuchuser000000000000", "x@example.com", "customer", now_s(), now_s() + 600),
                    secret)),
      "User no longer exists");
  expect_unauthorized(
      s.me(sign_jwt(R"({"email":"x@example.com","role":"customer","iat":1,"exp":99999999999})", secret)),
      "Invalid token payload");
}

// ---- password reset -------------------------------------------------------------------

TEST_F(AuthRoutes, PasswordResetRequestAnswersTheSameForKnownAndUnknownEmails) {
  const std::string generic =
      R"({"success":true,"message":"If an account exists with this email, a password reset link has been sent."})";
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  auto known = s.post("/api/auth/password-reset/request", json::object{{"email", email}});
  ASSERT_EQ(known.status, 200) << known.body;
  EXPECT_EQ(known.json(), json::parse(generic));
  auto unknown = s.post("/api/auth/password-reset/request", json::object{{"email", "ghost-user@example.com"}});
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_EQ(unknown.body, known.body);
  EXPECT_EQ(queued("ghost-user@example.com", "password_reset"), 0);

  // One token row holding the SHA-256 of the mailed token.
  EXPECT_EQ(queued(email, "password_reset"), 1);
  std::string link =
      s.q("SELECT template_data->'variables'->>'reset_link' FROM email_logs WHERE type = 'password_reset'"
          " AND to_email = " +
          sql_quote(email));
  EXPECT_EQ(link.rfind(s.config.frontend_url + "/reset-password?token=", 0), 0u) << link;
  std::string raw = query_value(link, "token");
  ASSERT_EQ(raw.size(), 64u) << link;
  EXPECT_EQ(s.qn("SELECT count(*) FROM password_reset_tokens WHERE user_id = " + sql_quote(id)), 1);
  EXPECT_EQ(s.q("SELECT token FROM password_reset_tokens WHERE user_id = " + sql_quote(id)), sha256_hex(raw));
  EXPECT_EQ(s.qn("SELECT count(*) FROM password_reset_tokens WHERE user_id = " + sql_quote(id) +
                 " AND expires_at > now() AT TIME ZONE 'UTC' + interval '55 minutes'"
                 " AND expires_at <= now() AT TIME ZONE 'UTC' + interval '61 minutes'"),
            1);

  // A second request replaces the token.
  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email}}).status, 200);
  EXPECT_EQ(s.qn("SELECT count(*) FROM password_reset_tokens WHERE user_id = " + sql_quote(id)), 1);
  EXPECT_NE(s.q("SELECT token FROM password_reset_tokens WHERE user_id = " + sql_quote(id)), sha256_hex(raw));

  // A deactivated account gets the same answer and no e-mail.
  std::string inactive = s.verified_customer(1);
  s.q("UPDATE users SET is_active = false WHERE email = " + sql_quote(inactive));
  auto off = s.post("/api/auth/password-reset/request", json::object{{"email", inactive}});
  EXPECT_EQ(off.body, known.body);
  EXPECT_EQ(queued(inactive, "password_reset"), 0);

  auto bad = s.post("/api/auth/password-reset/request", json::object{{"email", "not an email"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_TRUE(has_field_error(bad, "email", "Please provide a valid email address")) << bad.body;
}

// Percent-decoding as a browser's URLSearchParams does ('+' is a space).
std::string form_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST_F(AuthRoutes, PasswordResetLinkEncodesTheEmail) {
  // The old backend used encodeURIComponent: a '+' in the address must survive.
  const std::string email = "tag+reset@example.com";
  ASSERT_EQ(s.post("/api/auth/register", registration(email)).status, 201);
  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email}}).status, 200);
  std::string link =
      s.q("SELECT template_data->'variables'->>'reset_link' FROM email_logs WHERE type = 'password_reset'"
          " AND to_email = " +
          sql_quote(email));
  ASSERT_FALSE(link.empty());
  std::string param = query_value(link, "email");
  EXPECT_EQ(param.find('+'), std::string::npos) << link;
  EXPECT_EQ(form_decode(param), email) << link;
  EXPECT_EQ(query_value(link, "token").size(), 64u) << link;
}

TEST_F(AuthRoutes, PasswordResetConfirmChangesThePasswordAndEndsOldSessions) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  auto [old_access, old_refresh] = s.tokens(email, kCustomerPassword);
  ASSERT_EQ(s.me(old_access).status, 200);
  sleep_past_second();

  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email}}).status, 200);
  std::string raw = mailed_token(email, "password_reset", "reset_link");
  ASSERT_EQ(raw.size(), 64u);

  auto weak = s.post("/api/auth/password-reset/confirm", json::object{{"token", raw}, {"newPassword", "weakweak"}});
  EXPECT_EQ(weak.status, 400) << weak.body;
  EXPECT_TRUE(has_field_error(
      weak, "newPassword",
      "Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number, and 1 special character "
      "(@$!%*?&#)"))
      << weak.body;

  auto r = s.post("/api/auth/password-reset/confirm", json::object{{"token", raw}, {"newPassword", kNewPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Password has been reset successfully"})"));
  EXPECT_EQ(s.qn("SELECT count(*) FROM password_reset_tokens WHERE user_id = " + sql_quote(id)), 0);
  EXPECT_EQ(s.qn("SELECT count(*) FROM users WHERE id = " + sql_quote(id) + " AND last_password_change IS NOT NULL"),
            1);
  EXPECT_EQ(queued(email, "password_changed"), 1);

  expect_unauthorized(s.login(email, kCustomerPassword), "Invalid email or password");
  EXPECT_EQ(s.login(email, kNewPassword).status, 200);
  expect_unauthorized(s.me(old_access), "Session expired due to password change. Please login again.");
  EXPECT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", old_refresh}}).status, 401);

  auto again =
      s.post("/api/auth/password-reset/confirm", json::object{{"token", raw}, {"newPassword", "An0ther@Pass"}});
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(error_type(again), "ValidationError");
  EXPECT_EQ(error_message(again), "Invalid or expired password reset token");
  EXPECT_EQ(s.login(email, kNewPassword).status, 200);
}

TEST_F(AuthRoutes, PasswordResetConfirmRefusesUnknownAndExpiredTokens) {
  auto unknown = s.post("/api/auth/password-reset/confirm",
                        json::object{{"token", std::string(64, 'a')}, {"newPassword", kNewPassword}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(error_message(unknown), "Invalid or expired password reset token");

  std::string email = s.verified_customer();
  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email}}).status, 200);
  std::string raw = mailed_token(email, "password_reset", "reset_link");
  s.q("UPDATE password_reset_tokens SET expires_at = now() AT TIME ZONE 'UTC' - interval '1 second'");
  auto expired =
      s.post("/api/auth/password-reset/confirm", json::object{{"token", raw}, {"newPassword", kNewPassword}});
  EXPECT_EQ(expired.status, 400) << expired.body;
  EXPECT_EQ(s.login(email, kCustomerPassword).status, 200);

  auto missing = s.post("/api/auth/password-reset/confirm", json::object{{"newPassword", kNewPassword}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(has_field_error(missing, "token", "Reset token is required")) << missing.body;
}

TEST_F(AuthRoutes, PasswordResetVerifiesTheEmailAndLiftsALock) {
  s.config.rate_limits = false;
  std::string email = s.unverified_customer();
  for (int i = 0; i < 5; ++i) s.login(email, "Wrong@Pass1");
  ASSERT_EQ(s.login(email, kCustomerPassword).status, 423);
  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email}}).status, 200);
  std::string raw = mailed_token(email, "password_reset", "reset_link");
  ASSERT_EQ(
      s.post("/api/auth/password-reset/confirm", json::object{{"token", raw}, {"newPassword", kNewPassword}}).status,
      200);
  auto r = s.login(email, kNewPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("user").at("emailVerified"), true);
}

// ---- change / verify password -------------------------------------------------------------

TEST_F(AuthRoutes, ChangePassword) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  sleep_past_second();
  const std::string path = "/api/auth/change-password";

  expect_unauthorized(s.post(path, json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kNewPassword}}),
                      "Please log in to continue");
  expect_unauthorized(
      s.post(path, json::object{{"currentPassword", "Wrong@Pass1"}, {"newPassword", kNewPassword}}, bearer(access)),
      "Current password is incorrect");
  auto same = s.post(path, json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kCustomerPassword}},
                     bearer(access));
  EXPECT_EQ(same.status, 400) << same.body;
  EXPECT_EQ(error_type(same), "ValidationError");
  EXPECT_EQ(error_message(same), "New password must be different from current password");
  EXPECT_EQ(s.login(email, kCustomerPassword).status, 200);

  auto ok =
      s.post(path, json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kNewPassword}}, bearer(access));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), json::parse(R"({"success":true,"message":"Password changed successfully"})"));
  EXPECT_EQ(queued(email, "password_changed"), 1);

  expect_unauthorized(s.me(access), "Session expired due to password change. Please login again.");
  expect_unauthorized(s.login(email, kCustomerPassword), "Invalid email or password");
  auto [fresh, fresh_refresh] = s.tokens(email, kNewPassword);
  EXPECT_EQ(s.me(fresh).status, 200);
}

TEST_F(AuthRoutes, ChangePasswordValidatesTheBody) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto r = s.post("/api/auth/change-password", json::object{{"newPassword", "short"}}, bearer(access));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(has_field_error(r, "currentPassword", "Current password is required")) << r.body;
  EXPECT_TRUE(has_field_error(r, "newPassword", "Password must be at least 8 characters long")) << r.body;
  EXPECT_EQ(s.login(email, kCustomerPassword).status, 200);
}

TEST_F(AuthRoutes, VerifyPassword) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  const std::string path = "/api/auth/verify-password";
  auto ok = s.post(path, json::object{{"password", kCustomerPassword}}, bearer(access));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), json::parse(R"({"success":true,"message":"Password verified successfully"})"));
  expect_unauthorized(s.post(path, json::object{{"password", "Wrong@Pass1"}}, bearer(access)), "Invalid password");
  auto missing = s.post(path, json::object{}, bearer(access));
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(error_type(missing), "ValidationError");
  expect_unauthorized(s.post(path, json::object{{"password", kCustomerPassword}}), "Please log in to continue");
  // No side effects.
  EXPECT_EQ(s.qn("SELECT failed_login_attempts FROM users WHERE email = " + sql_quote(email)), 0);
}

// ---- e-mail verification ------------------------------------------------------------------

TEST_F(AuthRoutes, VerifyEmailWithTheMailedToken) {
  const std::string email = "verify.me@example.com";
  auto reg = s.post("/api/auth/register", registration(email));
  ASSERT_EQ(reg.status, 201) << reg.body;
  std::string access = str(reg.json().at("data").at("accessToken"));
  std::string id = s.user_id(email);
  ASSERT_EQ(s.me(access).json().at("data").at("user").at("emailVerified"), false);
  // Unverified: login names the state.
  EXPECT_EQ(s.login(email, "Str0ng@Pass").json().at("needsVerification"), true);

  std::string raw = mailed_token(email, "email_verification", "verification_link");
  ASSERT_EQ(raw.size(), 64u);
  auto r = s.post("/api/auth/verify-email", json::object{{"token", raw}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Email verified successfully"})"));
  EXPECT_EQ(s.q("SELECT email_verified::text FROM users WHERE id = " + sql_quote(id)), "true");
  EXPECT_EQ(
      s.qn("SELECT count(*) FROM notifications WHERE user_id = " + sql_quote(id) + " AND type = 'email_verified'"), 1);
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_verification_tokens WHERE user_id = " + sql_quote(id)), 0);
  // /me reflects it at once, and login now succeeds.
  EXPECT_EQ(s.me(access).json().at("data").at("user").at("emailVerified"), true);
  EXPECT_EQ(s.login(email, "Str0ng@Pass").status, 200);

  auto again = s.post("/api/auth/verify-email", json::object{{"token", raw}});
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(error_type(again), "ValidationError");
  EXPECT_EQ(error_message(again), "Invalid or expired verification token");
  EXPECT_EQ(
      s.qn("SELECT count(*) FROM notifications WHERE user_id = " + sql_quote(id) + " AND type = 'email_verified'"), 1);
}

TEST_F(AuthRoutes, VerifyEmailRefusesBadTokens) {
  auto unknown = s.post("/api/auth/verify-email", json::object{{"token", std::string(64, 'f')}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(error_message(unknown), "Invalid or expired verification token");
  auto missing = s.post("/api/auth/verify-email", json::object{});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_TRUE(has_field_error(missing, "token", "Verification token is required")) << missing.body;

  const std::string email = "expired.link@example.com";
  ASSERT_EQ(s.post("/api/auth/register", registration(email)).status, 201);
  std::string raw = mailed_token(email, "email_verification", "verification_link");
  s.q("UPDATE email_verification_tokens SET expires_at = now() AT TIME ZONE 'UTC' - interval '1 second'");
  EXPECT_EQ(s.post("/api/auth/verify-email", json::object{{"token", raw}}).status, 400);
  EXPECT_EQ(s.q("SELECT email_verified::text FROM users WHERE email = " + sql_quote(email)), "false");
}

TEST_F(AuthRoutes, ResendVerificationNeverRevealsWhetherAnAccountExists) {
  std::string unverified = s.unverified_customer();
  std::string verified = s.verified_customer();
  const std::string unknown = "nobody-at-all@example.com";
  long long before_unverified = queued(unverified, "email_verification");
  long long before_verified = queued(verified, "email_verification");

  auto a = s.post("/api/auth/resend-verification", json::object{{"email", unknown}});
  auto b = s.post("/api/auth/resend-verification", json::object{{"email", verified}});
  auto c = s.post("/api/auth/resend-verification", json::object{{"email", unverified}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.body, c.body);
  EXPECT_EQ(a.json().at("success"), true);
  EXPECT_FALSE(a.json().as_object().contains("alreadyVerified"));

  EXPECT_EQ(queued(unknown, "email_verification"), 0);
  EXPECT_EQ(queued(verified, "email_verification"), before_verified);
  EXPECT_EQ(queued(unverified, "email_verification"), before_unverified + 1);

  auto bad = s.post("/api/auth/resend-verification", json::object{{"email", 42}});
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(AuthRoutes, ResendVerificationReplacesTheOldLink) {
  const std::string email = "resend.me@example.com";
  ASSERT_EQ(s.post("/api/auth/register", registration(email)).status, 201);
  std::string first = mailed_token(email, "email_verification", "verification_link");
  ASSERT_EQ(s.post("/api/auth/resend-verification", json::object{{"email", email}}).status, 200);
  std::string second = mailed_token(email, "email_verification", "verification_link");
  ASSERT_EQ(second.size(), 64u);
  ASSERT_NE(first, second);
  EXPECT_EQ(s.post("/api/auth/verify-email", json::object{{"token", first}}).status, 400);
  EXPECT_EQ(s.post("/api/auth/verify-email", json::object{{"token", second}}).status, 200);
}

TEST_F(AuthRoutes, CheckEmail) {
  std::string taken = s.verified_customer();
  auto r = s.post("/api/auth/check-email", json::object{{"email", taken}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(),
            json::parse(R"({"success":true,"data":{"available":false,"message":"Email is already registered"}})"));
  std::string upper = taken;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(s.post("/api/auth/check-email", json::object{{"email", upper}}).json().at("data").at("available"), false);

  auto free_ = s.post("/api/auth/check-email", json::object{{"email", "brand-new@example.com"}});
  ASSERT_EQ(free_.status, 200) << free_.body;
  EXPECT_EQ(free_.json(), json::parse(R"({"success":true,"data":{"available":true,"message":"Email is available"}})"));

  for (const json::value& bad : {json::value("nope"), json::value(12), json::value(nullptr)}) {
    auto e = s.post("/api/auth/check-email", json::object{{"email", bad}});
    EXPECT_EQ(e.status, 400) << json::serialize(bad) << ": " << e.body;
    EXPECT_EQ(error_type(e), "ValidationError") << e.body;
  }
}

// ---- compatibility with the old backend's tokens and hashes ---------------------------------

TEST_F(AuthRoutes, JsonwebtokenStyleTokenIsAccepted) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  std::int64_t now = now_s();
  std::string legacy = sign_jwt(access_payload(id, email, "customer", now, now + 3600), s.config.jwt_secret);
  ASSERT_FALSE(jwt_payload(legacy).contains("jti"));
  auto r = s.me(legacy);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("user").at("id"), json::value(id));
  EXPECT_EQ(s.get("/api/auth/me", {{"x-auth-token", legacy}}).status, 200);
  // A token the old backend issued can be logged out, after which it is dead.
  ASSERT_EQ(s.post_raw("/api/auth/logout", "", bearer(legacy)).status, 200);
  expect_unauthorized(s.me(legacy), "Token has been revoked");
}

TEST_F(AuthRoutes, ForgedTokensAreInvalid) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  std::int64_t now = now_s();
  std::string payload = access_payload(id, email, "customer", now, now + 3600);

  // alg none, with and without a signature.
  std::string none = b64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + b64url_encode(payload) + ".";
  expect_unauthorized(s.me(none), "Invalid token");
  expect_unauthorized(s.me(sign_jwt(payload, s.config.jwt_secret, R"({"alg":"none","typ":"JWT"})")), "Invalid token");
  // HS512 header with an HS256 signature.
  expect_unauthorized(s.me(sign_jwt(payload, s.config.jwt_secret, R"({"alg":"HS512","typ":"JWT"})")), "Invalid token");
  // Another key.
  expect_unauthorized(s.me(sign_jwt(payload, "not-the-secret-0123456789-0123456789")), "Invalid token");
  // A genuine token whose payload was changed (role escalation).
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto parts = jwt_parts(access);
  auto claims = jwt_payload(access);
  claims["role"] = "admin";
  std::string tampered = parts[0] + "." + b64url_encode(json::serialize(claims)) + "." + parts[2];
  expect_unauthorized(s.me(tampered), "Invalid token");
  // Truncated signature, garbage.
  expect_unauthorized(s.me(access.substr(0, access.size() - 3)), "Invalid token");
  expect_unauthorized(s.me("not-a-jwt"), "Invalid token");
  EXPECT_EQ(s.me(access).status, 200);
}

TEST_F(AuthRoutes, RefreshTokenIsNotAnAccessToken) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  auto r = s.me(refresh);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_type(r), "UnauthorizedError");
  EXPECT_EQ(s.post_raw("/api/auth/logout", "", bearer(refresh)).status, 401);
  auto change =
      s.post("/api/auth/change-password",
             json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kNewPassword}}, bearer(refresh));
  EXPECT_EQ(change.status, 401) << change.body;
  EXPECT_EQ(s.login(email, kCustomerPassword).status, 200);
}

TEST_F(AuthRoutes, BcryptHashFromAnotherImplementationLogsIn) {
  std::string email = s.verified_customer();
  // OpenBSD's test vector: bcrypt("U*U", cost 5), as bcryptjs ($2a$) writes it.
  s.q("UPDATE users SET password = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' WHERE email = " +
      sql_quote(email));
  auto r = s.login(email, "U*U");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").at("user").at("email"), json::value(email));
  expect_unauthorized(s.login(email, "U*V"), "Invalid email or password");
  // $2b$ and $2y$ spell the same hash for ASCII passwords.
  s.q("UPDATE users SET password = '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' WHERE email = " +
      sql_quote(email));
  EXPECT_EQ(s.login(email, "U*U").status, 200);
  s.q("UPDATE users SET password = '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' WHERE email = " +
      sql_quote(email));
  EXPECT_EQ(s.login(email, "U*U").status, 200);
}

}  // namespace
}  // namespace wh::test::auth
