// Token, lockout and password fixes of issue 6 (items 2-4), each through the
// real server on a scratch copy of the seeded database: one test per bug,
// each failing on the behaviour it replaces.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "accounts/auth_test_support.h"
#include "core/password.h"
#include "server/app_state.h"

namespace wh::test::auth {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNewPassword = "N3w@Passw0rd";
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The other spellings of `token`'s signature: its last base64url character
// with different unused low bits (a 32-byte HMAC is 43 characters, the last
// carrying 4 bits of data and 2 unused ones).
std::vector<std::string> reencoded(const std::string& token) {
  std::string alphabet(kAlphabet);
  auto pos = alphabet.find(token.back());
  std::vector<std::string> out;
  for (std::size_t low = 0; low < 4; ++low) {
    std::size_t v = (pos & ~std::size_t{3}) | low;
    if (v == pos) continue;
    std::string t = token;
    t.back() = alphabet[v];
    out.push_back(t);
  }
  return out;
}

// Runs `n` copies of `fn(i)` on their own threads at once; returns statuses.
std::vector<HttpResult> in_parallel(int n, const std::function<HttpResult(int)>& fn) {
  std::vector<HttpResult> out(static_cast<std::size_t>(n));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < n) std::this_thread::yield();
      try {
        out[static_cast<std::size_t>(i)] = fn(i);
      } catch (const std::exception& e) {
        out[static_cast<std::size_t>(i)].status = -1;
        out[static_cast<std::size_t>(i)].body = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

json::object registration(const std::string& email, const std::string& password) {
  return json::object{{"email", email}, {"password", password}, {"firstName", "Ama"}, {"lastName", "Mensah"}};
}

class AuthHardening : public ::testing::Test {
 protected:
  AuthServer s;

  std::string reset_token(const std::string& email) {
    auto r = s.post("/api/auth/password-reset/request", json::object{{"email", email}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::string link =
        s.q("SELECT template_data->'variables'->>'reset_link' FROM email_logs WHERE type = 'password_reset'"
            " AND to_email = " +
            sql_quote(email) + " ORDER BY created_at DESC, id DESC LIMIT 1");
    return query_value(link, "token");
  }
};

// ---- tokens ------------------------------------------------------------------------

TEST_F(AuthHardening, ReEncodedSignatureIsRefused) {
  std::string email = s.verified_customer();
  auto [access, refresh] = s.tokens(email, kCustomerPassword);
  ASSERT_EQ(s.me(access).status, 200);
  auto variants = reencoded(access);
  ASSERT_EQ(variants.size(), 3u);
  for (const auto& t : variants) {
    auto r = s.me(t);
    EXPECT_EQ(r.status, 401) << "accepted a re-encoded signature: " << t;
    EXPECT_EQ(error_message(r), "Invalid token") << r.body;
  }
  // The replay this enabled: a spent refresh token, re-encoded, would rotate again.
  ASSERT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 200);
  for (const auto& t : reencoded(refresh)) {
    auto r = s.post("/api/auth/refresh", json::object{{"refreshToken", t}});
    EXPECT_EQ(r.status, 401) << "a spent refresh token was replayed re-encoded: " << r.body;
  }
  // And a logged-out access token stays dead however it is spelled.
  auto fresh = s.tokens(email, kCustomerPassword).first;
  ASSERT_EQ(s.post_raw("/api/auth/logout", "", bearer(fresh)).status, 200);
  for (const auto& t : reencoded(fresh)) EXPECT_EQ(s.me(t).status, 401);
}

TEST_F(AuthHardening, TokenWithoutExpIsRefused) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  std::string no_exp = "{\"sub\":\"" + id + "\",\"email\":\"" + email +
                       "\",\"role\":\"customer\",\"iat\":" + std::to_string(now_s()) + "}";
  auto r = s.me(sign_jwt(no_exp, s.config.jwt_secret));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_message(r), "Invalid token");
  // Control: the same claims with exp are fine.
  EXPECT_EQ(s.me(sign_jwt(access_payload(id, email, "customer", now_s(), now_s() + 600), s.config.jwt_secret)).status,
            200);
}

TEST_F(AuthHardening, FutureIatAndBadNumbersAreRefused) {
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  const std::string& secret = s.config.jwt_secret;
  auto now = now_s();
  // Issued an hour from now.
  auto future = s.me(sign_jwt(access_payload(id, email, "customer", now + 3600, now + 7200), secret));
  EXPECT_EQ(future.status, 401) << future.body;
  EXPECT_EQ(error_message(future), "Invalid token");
  // A few seconds of clock skew are allowed (see accounts::kIatClockSkew).
  EXPECT_EQ(s.me(sign_jwt(access_payload(id, email, "customer", now + 5, now + 600), secret)).status, 200);
  // Fractional, negative, huge or non-numeric times.
  std::string head = "{\"sub\":\"" + id + "\",\"email\":\"" + email + "\",\"role\":\"customer\",";
  for (const std::string& times :
       {"\"iat\":" + std::to_string(now) + ".5,\"exp\":" + std::to_string(now + 600),
        "\"iat\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + 600) + ".25",
        "\"iat\":-1,\"exp\":" + std::to_string(now + 600), "\"iat\":" + std::to_string(now) + ",\"exp\":1e300",
        "\"iat\":" + std::to_string(now) + ",\"exp\":18446744073709551615",
        "\"iat\":\"" + std::to_string(now) + "\",\"exp\":" + std::to_string(now + 600),
        "\"iat\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + 600) + ",\"iatMs\":1.5",
        "\"iat\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + 600) +
            ",\"iatMs\":" + std::to_string((now - 10) * 1000)}) {
    auto r = s.me(sign_jwt(head + times + "}", secret));
    EXPECT_EQ(r.status, 401) << times << ": " << r.body;
  }
}

TEST_F(AuthHardening, LoginRightAfterAPasswordChangeWorks) {
  std::string email = s.verified_customer();
  auto before = s.tokens(email, kCustomerPassword).first;
  auto change =
      s.post("/api/auth/change-password",
             json::object{{"currentPassword", kCustomerPassword}, {"newPassword", kNewPassword}}, bearer(before));
  ASSERT_EQ(change.status, 200) << change.body;
  // No sleep: the very next login's tokens must work ...
  auto after = s.login(email, kNewPassword);
  ASSERT_EQ(after.status, 200) << after.body;
  auto access = str(after.json().at("data").at("accessToken"));
  auto refresh = str(after.json().at("data").at("refreshToken"));
  EXPECT_EQ(s.me(access).status, 200) << s.me(access).body;
  EXPECT_EQ(s.post("/api/auth/refresh", json::object{{"refreshToken", refresh}}).status, 200);
  // ... and the token from before the change is refused, whatever the second.
  auto old = s.me(before);
  EXPECT_EQ(old.status, 401) << old.body;
  EXPECT_EQ(error_message(old), "Session expired due to password change. Please login again.");
}

TEST_F(AuthHardening, PasswordChangeIsComparedToTheMillisecond) {
  s.config.principal_cache_ttl = 0ms;  // every request reads last_password_change
  std::string email = s.verified_customer();
  std::string id = s.user_id(email);
  const std::string& secret = s.config.jwt_secret;
  // A change half-way through the current second.
  std::int64_t change_ms = now_s() * 1000 + 500;
  s.q("UPDATE users SET last_password_change = to_timestamp(" + std::to_string(change_ms) +
      " / 1000.0) AT TIME ZONE 'UTC' WHERE id = " + sql_quote(id));
  std::int64_t iat = change_ms / 1000;
  auto ours = [&](std::int64_t iat_ms) {
    return "{\"sub\":\"" + id + "\",\"email\":\"" + email + "\",\"role\":\"customer\",\"iat\":" + std::to_string(iat) +
           ",\"exp\":" + std::to_string(iat + 600) + ",\"iatMs\":" + std::to_string(iat_ms) + "}";
  };
  auto before = s.me(sign_jwt(ours(change_ms - 1), secret));
  EXPECT_EQ(before.status, 401) << "a token from 1 ms before the change was accepted";
  EXPECT_EQ(error_message(before), "Session expired due to password change. Please login again.");
  EXPECT_EQ(s.me(sign_jwt(ours(change_ms), secret)).status, 200);
  EXPECT_EQ(s.me(sign_jwt(ours(change_ms + 1), secret)).status, 200);
  // The old backend's tokens (no iatMs) are compared to the second, as it did.
  EXPECT_EQ(s.me(sign_jwt(access_payload(id, email, "customer", iat, iat + 600), secret)).status, 200);
  EXPECT_EQ(s.me(sign_jwt(access_payload(id, email, "customer", iat - 1, iat + 600), secret)).status, 401);
}

// ---- lockout -----------------------------------------------------------------------

TEST_F(AuthHardening, ParallelWrongPasswordsEvaluateAtMostFive) {
  s.config.rate_limits = false;  // the per-IP login limit would hide the account lock
  std::string email = s.verified_customer();
  const unsigned short port = s.port();
  const std::string body = json::serialize(json::object{{"email", email}, {"password", "Wrong@Pass1"}});
  auto results = in_parallel(20, [&](int) { return HttpClient(port).request("POST", "/api/auth/login", body); });
  int evaluated = 0, refused_locked = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status == 401 || r.status == 423) << r.status << " " << r.body;
    // A request that checked the password answers 401, or 423 "Too many
    // failed login attempts" for the one that set the lock; the others are
    // refused before any check.
    if (error_message(r).rfind("Account locked due to", 0) == 0) {
      ++refused_locked;
    } else {
      ++evaluated;
    }
  }
  EXPECT_EQ(evaluated, 5) << "more than 5 passwords were checked (or fewer than the lock allows)";
  EXPECT_EQ(evaluated + refused_locked, 20);
  EXPECT_EQ(s.qn("SELECT failed_login_attempts FROM users WHERE email = " + sql_quote(email)), evaluated);
  EXPECT_EQ(
      s.qn("SELECT count(*) FROM users WHERE locked_until > now() AT TIME ZONE 'UTC' AND email = " + sql_quote(email)),
      1);
  // The right password is refused while the lock lasts.
  auto right = s.login(email, kCustomerPassword);
  EXPECT_EQ(right.status, 423) << right.body;
  EXPECT_EQ(right.body.find("accessToken"), std::string::npos);
}

TEST_F(AuthHardening, AnExpiredLockStartsAFreshCount) {
  s.config.rate_limits = false;
  std::string email = s.verified_customer();
  s.q("UPDATE users SET failed_login_attempts = 5, locked_until = now() AT TIME ZONE 'UTC' - interval '1 second'"
      " WHERE email = " +
      sql_quote(email));
  // One wrong guess after the lock: an ordinary failure, not a new lock.
  auto r = s.login(email, "Wrong@Pass1");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(
      s.q("SELECT failed_login_attempts || ',' || (locked_until IS NULL) FROM users WHERE email = " + sql_quote(email)),
      "1,true");
  // The victim still has four tries before anything locks.
  for (int i = 2; i <= 4; ++i) EXPECT_EQ(s.login(email, "Wrong@Pass1").status, 401) << "attempt " << i;
  EXPECT_EQ(s.login(email, kCustomerPassword).status, 200);
}

// ---- bcrypt queue ------------------------------------------------------------------

TEST_F(AuthHardening, FullBcryptQueueAnswers503WithRetryAfter) {
  s.config.rate_limits = false;
  s.config.bcrypt_threads = 1;
  s.config.bcrypt_queue = 0;  // one check at a time, none waiting
  const unsigned short port = s.port();
  auto results = in_parallel(16, [&](int i) {
    std::string body = json::serialize(
        json::object{{"email", "nobody" + std::to_string(i) + "@example.com"}, {"password", "Wrong@Pass1"}});
    return HttpClient(port).request("POST", "/api/auth/login", body);
  });
  int busy = 0, checked = 0;
  for (const auto& r : results) {
    if (r.status == 503) {
      ++busy;
      EXPECT_EQ(r.header("retry-after"), "1") << r.body;
      EXPECT_EQ(error_type(r), "ServiceUnavailableError") << r.body;
    } else {
      EXPECT_EQ(r.status, 401) << r.body;
      ++checked;
    }
  }
  EXPECT_GE(busy, 1) << "16 parallel checks on one thread with no queue were all served";
  EXPECT_GE(checked, 1);
  // Places are given back: a login afterwards is served.
  EXPECT_EQ(s.login(s.verified_customer(), kCustomerPassword).status, 200);
}

// ---- register / passwords ----------------------------------------------------------

TEST_F(AuthHardening, RegisterResendsAreLimitedPerEmail) {
  std::string email = s.unverified_customer();
  auto mails = [&] {
    return s.qn("SELECT count(*) FROM email_logs WHERE type = 'email_verification' AND to_email = " + sql_quote(email));
  };
  auto mails_before = mails();
  for (int i = 1; i <= 3; ++i) {
    auto r = s.post("/api/auth/register", registration(email, "Str0ng@Pass"));
    ASSERT_EQ(r.status, 200) << "resend " << i << ": " << r.body;
  }
  auto fourth = s.post("/api/auth/register", registration(email, "Str0ng@Pass"));
  EXPECT_EQ(fourth.status, 429) << fourth.body;
  EXPECT_FALSE(fourth.header("retry-after").empty());
  // The same budget as resend-verification's.
  auto resend = s.post("/api/auth/resend-verification", json::object{{"email", email}});
  EXPECT_EQ(resend.status, 429) << resend.body;
  EXPECT_EQ(mails(), mails_before + 3);
}

TEST_F(AuthHardening, NewPasswordsKeepToTheOldCharacterSet) {
  s.config.rate_limits = false;
  const std::string policy =
      "Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number, and 1 special character "
      "(@$!%*?&#)";
  for (const std::string& bad : {std::string("Str0ng@Pass~"), std::string("Str0ng@Pass w"),
                                 std::string("Str0ng@P\xC3\xA4ss"), std::string("Str0ng@P\0ass", 12)}) {
    auto r = s.post_raw("/api/auth/register",
                        json::serialize(registration("charset" + std::to_string(bad.size()) + "@example.com", bad)));
    EXPECT_EQ(r.status, 400) << json::serialize(json::string(bad)) << ": " << r.body;
    EXPECT_TRUE(has_field_error(r, "password", policy)) << r.body;
  }
  std::string email = s.verified_customer();
  auto access = s.tokens(email, kCustomerPassword).first;
  auto change =
      s.post("/api/auth/change-password",
             json::object{{"currentPassword", kCustomerPassword}, {"newPassword", "N3w@Pass~word"}}, bearer(access));
  EXPECT_EQ(change.status, 400) << change.body;
  EXPECT_TRUE(has_field_error(change, "newPassword", policy)) << change.body;
  auto token = reset_token(email);
  auto reset = s.post("/api/auth/password-reset/confirm",
                      json::object{{"token", token}, {"newPassword", std::string("N3w@Pass\0word", 13)}});
  EXPECT_EQ(reset.status, 400) << reset.body;
  EXPECT_TRUE(has_field_error(reset, "newPassword", policy)) << reset.body;
  // The token was not spent by the refusal.
  EXPECT_EQ(
      s.post("/api/auth/password-reset/confirm", json::object{{"token", token}, {"newPassword", kNewPassword}}).status,
      200);
}

TEST_F(AuthHardening, LoginRefusesOnlyANulByte) {
  s.config.rate_limits = false;
  std::string email = s.verified_customer();
  // bcrypt stops at NUL: "Customer@123\0junk" would otherwise log in.
  auto nul = s.login(email, std::string(kCustomerPassword) + std::string("\0junk", 5));
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_TRUE(has_field_error(nul, "password", "Password must not contain a NUL character")) << nul.body;
  // A password set elsewhere with characters our policy would not allow still works.
  const std::string legacy = "Gr\xC3\xBC\xC3\x9F Gott~ 2024";
  s.q("UPDATE users SET password = " + sql_quote(password::hash(legacy, 4)) + " WHERE email = " + sql_quote(email));
  EXPECT_EQ(s.login(email, legacy).status, 200);
}

TEST_F(AuthHardening, ConcurrentResetConfirmationsSucceedOnce) {
  std::string email = s.verified_customer();
  auto token = reset_token(email);
  ASSERT_FALSE(token.empty());
  const unsigned short port = s.port();
  constexpr int kRacers = 8;
  auto results = in_parallel(kRacers, [&](int i) {
    std::string body = json::serialize(json::object{{"token", token}, {"newPassword", "N3w@Pass" + std::to_string(i)}});
    return HttpClient(port).request("POST", "/api/auth/password-reset/confirm", body);
  });
  int ok = 0, winner = -1;
  for (int i = 0; i < kRacers; ++i) {
    const auto& r = results[static_cast<std::size_t>(i)];
    if (r.status == 200) {
      ++ok;
      winner = i;
    } else {
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_EQ(error_message(r), "Invalid or expired password reset token") << r.body;
    }
  }
  ASSERT_EQ(ok, 1) << "a reset token must be spendable exactly once";
  EXPECT_EQ(s.login(email, "N3w@Pass" + std::to_string(winner)).status, 200);
  EXPECT_EQ(s.qn("SELECT count(*) FROM email_logs WHERE type = 'password_changed' AND to_email = " + sql_quote(email)),
            1);
}

// ---- revoked tokens across instances -----------------------------------------------

class Revocations : public ::testing::Test {
 protected:
  void SetUp() override { s.config.revocation_poll = 100ms; }

  server::AppState& services(RunningApp& a) { return a.app().state(); }

  AuthServer s;
};

TEST_F(Revocations, LogoutIsSeenByAnotherInstance) {
  std::string email = s.verified_customer();
  auto access = s.tokens(email, kCustomerPassword).first;
  RunningApp other(s.config);
  HttpClient b(other.port());
  ASSERT_TRUE(wait_until([&] {
    auto r = b.get("/api/auth/me", bearer(access));
    return r.status == 200 && r.statements() == 0;
  }));
  ASSERT_EQ(s.post_raw("/api/auth/logout", "", bearer(access)).status, 200);
  HttpResult last;
  EXPECT_TRUE(wait_until([&] {
    last = b.get("/api/auth/me", bearer(access));
    return last.status == 401;
  })) << last.body;
  EXPECT_EQ(error_message(last), "Token has been revoked");
  EXPECT_EQ(last.statements(), 0) << "refused from memory";
}

TEST_F(Revocations, NewRowsAreLoadedIncrementally) {
  // Many older revocations: a full reload would read them all on every poll.
  constexpr int kOld = 300;
  s.q("INSERT INTO blacklisted_tokens (id, token, expires_at, created_at)"
      " SELECT 'cmold' || g, 'old-token-' || g, now() AT TIME ZONE 'UTC' + interval '1 hour',"
      " now() AT TIME ZONE 'UTC' - interval '1 hour' FROM generate_series(1, " +
      std::to_string(kOld) + ") g");
  std::string email = s.verified_customer();
  auto access = s.tokens(email, kCustomerPassword).first;
  ASSERT_TRUE(s.wait_for_warm_cache(access));
  auto& auth = services(s.app()).auth;
  auto read_at_start = auth.revocation_rows_read.load();
  EXPECT_GE(read_at_start, static_cast<std::uint64_t>(kOld)) << "the connect-time load reads every revocation";
  // Revoke without a notification (as if it had been missed): only the poll can see it.
  s.q("SET session_replication_role = replica;"
      " INSERT INTO blacklisted_tokens (id, token, expires_at, created_at) VALUES ('cmsilent01', " +
      sql_quote(access) + ", now() AT TIME ZONE 'UTC' + interval '1 hour', now() AT TIME ZONE 'UTC')");
  HttpResult last;
  EXPECT_TRUE(wait_until([&] {
    last = s.me(access);
    return last.status == 401;
  })) << last.body;
  EXPECT_EQ(error_message(last), "Token has been revoked");
  // Several more polls (100 ms apart) read only what is new.
  std::this_thread::sleep_for(500ms);
  auto read_by_polls = auth.revocation_rows_read.load() - read_at_start;
  EXPECT_GE(read_by_polls, 1u);
  EXPECT_LT(read_by_polls, static_cast<std::uint64_t>(kOld)) << "polls re-read the whole table";
}

TEST_F(Revocations, ExpiredRowsAreDeleted) {
  s.q("INSERT INTO blacklisted_tokens (id, token, expires_at, created_at) VALUES"
      " ('cmexpired1', 'expired-long-ago', now() AT TIME ZONE 'UTC' - interval '2 hours',"
      "  now() AT TIME ZONE 'UTC' - interval '3 hours'),"
      " ('cmexpired2', 'expired-just-now', now() AT TIME ZONE 'UTC' - interval '1 second',"
      "  now() AT TIME ZONE 'UTC' - interval '1 hour'),"
      " ('cmvalid01', 'still-valid', now() AT TIME ZONE 'UTC' + interval '1 hour', now() AT TIME ZONE 'UTC')");
  s.app();
  EXPECT_TRUE(wait_until([&] { return s.qn("SELECT count(*) FROM blacklisted_tokens WHERE id = 'cmexpired1'") == 0; }))
      << "the expired row was never deleted";
  // Rows within the grace period after expiry, and live ones, stay.
  EXPECT_EQ(s.qn("SELECT count(*) FROM blacklisted_tokens WHERE id IN ('cmexpired2', 'cmvalid01')"), 2);
}

}  // namespace
}  // namespace wh::test::auth
