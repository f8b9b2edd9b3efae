// The principal cache and the revocation set: a warm /api/auth/me costs no
// database statement, and every change that must end a session does so on
// the next request (our own writes) or within moments (writes by another
// backend, seen through the wh_events notifications).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "accounts/auth_test_support.h"
#include "support/locked_table.h"

namespace wh::test::auth {
namespace {

using namespace std::chrono_literals;

class PrincipalCache : public ::testing::Test {
 protected:
  void SetUp() override {
    email_ = s.verified_customer();
    id_ = s.user_id(email_);
    auto t = s.tokens(email_, kCustomerPassword);
    access_ = t.first;
    refresh_ = t.second;
    ASSERT_FALSE(access_.empty());
    ASSERT_TRUE(s.wait_for_warm_cache(access_, std::chrono::milliseconds(5000)))
        << "the change listener never went live (/me kept querying)";
  }

  // Polls /me with `token` until it answers 401 with `message` (≤ 2 s).
  ::testing::AssertionResult becomes_401(const std::string& token, const std::string& message) {
    HttpResult last;
    bool ok = wait_until([&] {
      last = s.me(token);
      return last.status == 401;
    });
    if (!ok) return ::testing::AssertionFailure() << "still " << last.status << " after 2 s: " << last.body;
    if (error_message(last) != message) return ::testing::AssertionFailure() << "401 but: " << last.body;
    return ::testing::AssertionSuccess();
  }

  AuthServer s;
  std::string email_, id_, access_, refresh_;
};

TEST_F(PrincipalCache, WarmMeCostsNoStatement) {
  for (int i = 0; i < 3; ++i) {
    auto r = s.me(access_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.statements(), 0) << "request " << i;
  }
  // Another token of the same user shares the entry.
  auto other = s.tokens(email_, kCustomerPassword).first;
  auto r = s.me(other);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.statements(), 0);
  // The cached answer is the same as a fresh one.
  auto admin = s.tokens(kAdminEmail, kAdminPassword).first;
  auto first = s.me(admin);
  ASSERT_EQ(first.status, 200);
  EXPECT_GE(first.statements(), 1);
  auto second = s.me(admin);
  EXPECT_EQ(second.statements(), 0);
  EXPECT_EQ(first.body, second.body);
}

// Concurrent misses on one user wait for one read (single flight): the
// requests of a busy session right after an invalidation or an expiry cost
// one statement, not one each queued on the pool.
TEST_F(PrincipalCache, ConcurrentMissesShareOneRead) {
  s.app().app().state().auth.principals.invalidate(id_);
  LockedTable lock(s.db_name(), "users");  // the read waits, so the others arrive meanwhile
  constexpr int kRequests = 12;
  std::vector<HttpResult> results(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) clients.emplace_back([&, i] { results[i] = s.me(access_); });
  ASSERT_TRUE(wait_for_lock_waiter(s.db_name()));
  std::this_thread::sleep_for(300ms);
  lock.release();
  for (auto& c : clients) c.join();
  int statements = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200) << r.body;
    statements += r.statements();
  }
  EXPECT_EQ(statements, 1) << "one read for " << kRequests << " concurrent misses";
  EXPECT_EQ(s.me(access_).statements(), 0) << "and it was cached";
}

TEST_F(PrincipalCache, LogoutIsVisibleOnTheNextRequest) {
  ASSERT_EQ(s.post_raw("/api/auth/logout", "", bearer(access_)).status, 200);
  auto r = s.me(access_);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_message(r), "Token has been revoked");
  // Refusing a revoked token costs no statement either.
  EXPECT_EQ(r.statements(), 0);
}

TEST_F(PrincipalCache, PasswordChangeIsVisibleOnTheNextRequest) {
  sleep_past_second();
  ASSERT_TRUE(s.wait_for_warm_cache(access_));
  auto change =
      s.post("/api/auth/change-password",
             json::object{{"currentPassword", kCustomerPassword}, {"newPassword", "N3w@Passw0rd"}}, bearer(access_));
  ASSERT_EQ(change.status, 200) << change.body;
  auto r = s.me(access_);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_message(r), "Session expired due to password change. Please login again.");
  auto fresh = s.tokens(email_, "N3w@Passw0rd").first;
  EXPECT_EQ(s.me(fresh).status, 200);
}

TEST_F(PrincipalCache, PasswordResetIsVisibleOnTheNextRequest) {
  sleep_past_second();
  ASSERT_TRUE(s.wait_for_warm_cache(access_));
  ASSERT_EQ(s.post("/api/auth/password-reset/request", json::object{{"email", email_}}).status, 200);
  std::string link =
      s.q("SELECT template_data->'variables'->>'reset_link' FROM email_logs WHERE type = 'password_reset'"
          " AND to_email = " +
          sql_quote(email_));
  auto confirm = s.post("/api/auth/password-reset/confirm",
                        json::object{{"token", query_value(link, "token")}, {"newPassword", "N3w@Passw0rd"}});
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  auto r = s.me(access_);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(error_message(r), "Session expired due to password change. Please login again.");
}

TEST_F(PrincipalCache, RoleChangeInSqlEndsTheSession) {
  s.q("UPDATE users SET role = 'admin' WHERE id = " + sql_quote(id_));
  EXPECT_TRUE(becomes_401(access_, "Role permissions changed. Please login again."));
  // A fresh login carries the new role.
  auto r = s.login(email_, kCustomerPassword);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("data").at("user").at("role"), "admin");
  EXPECT_EQ(s.me(str(r.json().at("data").at("accessToken"))).status, 200);
}

TEST_F(PrincipalCache, DeactivationInSqlEndsTheSession) {
  s.q("UPDATE users SET is_active = false WHERE id = " + sql_quote(id_));
  EXPECT_TRUE(becomes_401(access_, "Account has been deactivated"));
  // And it stays refused (the cache does not bring the old state back).
  auto again = s.me(access_);
  EXPECT_EQ(again.status, 401);
  // Reactivation is seen too.
  s.q("UPDATE users SET is_active = true WHERE id = " + sql_quote(id_));
  EXPECT_TRUE(wait_until([&] { return s.me(access_).status == 200; }));
}

TEST_F(PrincipalCache, TokenRevokedByAnotherBackendIsRefused) {
  s.q("INSERT INTO blacklisted_tokens (id, token, expires_at, created_at) VALUES ('cmrevokedbyother0000000001', " +
      sql_quote(access_) + ", now() AT TIME ZONE 'UTC' + interval '1 hour', now() AT TIME ZONE 'UTC')");
  EXPECT_TRUE(becomes_401(access_, "Token has been revoked"));
  // Only that token: another session of the same user is fine.
  auto other = s.tokens(email_, kCustomerPassword).first;
  EXPECT_EQ(s.me(other).status, 200);
}

TEST_F(PrincipalCache, ProfileChangeInSqlIsServedFresh) {
  s.q("UPDATE users SET first_name = 'Renamed' WHERE id = " + sql_quote(id_));
  EXPECT_TRUE(wait_until([&] {
    auto r = s.me(access_);
    return r.status == 200 && r.json().at("data").at("user").at("firstName") == "Renamed";
  })) << s.me(access_).body;
  // ... and is cached again afterwards.
  EXPECT_TRUE(s.wait_for_warm_cache(access_));
}

TEST_F(PrincipalCache, UserDeletedInSqlEndsTheSession) {
  // The seeded customer has orders etc.; a fresh account has nothing referencing it
  // but its tokens and notifications.
  auto reg = s.post("/api/auth/register", json::object{{"email", "short.lived@example.com"},
                                                       {"password", "Str0ng@Pass"},
                                                       {"firstName", "Short"},
                                                       {"lastName", "Lived"}});
  ASSERT_EQ(reg.status, 201) << reg.body;
  std::string token = str(reg.json().at("data").at("accessToken"));
  std::string id = str(reg.json().at("data").at("user").at("id"));
  ASSERT_TRUE(s.wait_for_warm_cache(token));
  s.q("DELETE FROM notifications WHERE user_id = " + sql_quote(id) + ";" +
      "DELETE FROM email_verification_tokens WHERE user_id = " + sql_quote(id) + ";" +
      "DELETE FROM users WHERE id = " + sql_quote(id));
  EXPECT_TRUE(becomes_401(token, "User no longer exists"));
}

}  // namespace
}  // namespace wh::test::auth
