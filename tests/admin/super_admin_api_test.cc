// The super admin console (reference §1.26), site and user routes: super
// admins only; the old shapes; stats that match the database; settings and
// IP blocks that hold before the answer (the triggers that would tell the
// change listener are dropped, so what the tests see is the handler's own
// doing); password resets under the policy that void old tokens; sign-out,
// role and detail changes with their activity rows.
#include "admin/super_admin_site.h"

#include <string>
#include <utility>
#include <vector>

#include "support/admin_api.h"

namespace wh::test {
namespace {

namespace json = boost::json;
using auth::str;

class SuperAdminApi : public AdminApi {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<auth::AuthServer>();
    // The test client (127.0.0.1) is a trusted proxy: CF-Connecting-IP
    // names the client, as Cloudflare's would.
    server_->config.trusted_proxies = "127.0.0.1/32";
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    super_ = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
    customer_ = server_->tokens(server_->verified_customer(), auth::kCustomerPassword).first;
  }

  static HttpResult as_super(const std::string& method, const std::string& target, const json::value& body = nullptr) {
    return call(method, target, body, super_);
  }
  // As the super admin, from client address `ip`.
  static HttpResult super_from(const std::string& ip, const std::string& method, const std::string& target,
                               const json::value& body) {
    auto headers = auth::bearer(super_);
    headers.emplace_back("CF-Connecting-IP", ip);
    return HttpClient(server_->port()).request(method, target, json::serialize(body), headers);
  }
  // A public GET from client address `ip`: its status.
  static int status_from(const std::string& ip, const std::string& target = "/api/banners") {
    return server_->get(target, {{"CF-Connecting-IP", ip}}).status;
  }
  static std::string quote(const std::string& s) { return auth::sql_quote(s); }
  static std::string user_id(const std::string& email) { return server_->user_id(email); }
  static std::string super_id() { return user_id(auth::kSuperEmail); }
  static long long activities(const std::string& action, const std::string& entity) {
    return qn("SELECT count(*) FROM admin_activities WHERE action = " + quote(action) +
              " AND entity_id = " + quote(entity) + " AND admin_id = " + quote(super_id()));
  }
};

// ---- block_entry ------------------------------------------------------------

TEST(BlockEntry, NormalisesAddressesAndRanges) {
  using admin::block_entry;
  EXPECT_EQ(block_entry("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(block_entry(" 203.0.113.9 "), "203.0.113.9");
  EXPECT_EQ(block_entry("2001:DB8:0:0::66"), "2001:db8::66");
  EXPECT_EQ(block_entry("::ffff:203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(block_entry("198.51.100.0/24"), "198.51.100.0/24");
  EXPECT_EQ(block_entry("2001:DB8:BAD::/48"), "2001:db8:bad::/48");
  EXPECT_EQ(block_entry("::ffff:10.0.0.0/104"), "10.0.0.0/8");
  for (const char* bad :
       {"", "evil", "203.0.113", "203.0.113.9/33", "2001:db8::/129", "::ffff:10.0.0.0/80", "203.0.113.9/",
        "203.0.113.9/8/8", "1.2.3.4, 5.6.7.8", "1.2.3.4 5.6.7.8", "fe80::1%eth0", "1.2.3.4/-1", "1.2.3.4/+8"}) {
    EXPECT_EQ(block_entry(bad), std::nullopt) << bad;
  }
}

// ---- access -----------------------------------------------------------------

TEST_F(SuperAdminApi, SuperAdminsOnlyOnEveryRoute) {
  std::string id = user_id(server_->verified_customer(1));
  long long blocked = qn("SELECT count(*) FROM blocked_ips");
  std::string site_name = q("SELECT value FROM system_settings WHERE key = 'siteName'");
  const std::vector<std::pair<std::string, std::string>> routes{
      {"POST", "/api/super-admin/login"},
      {"GET", "/api/super-admin/stats"},
      {"GET", "/api/super-admin/health"},
      {"GET", "/api/super-admin/env"},
      {"GET", "/api/super-admin/settings"},
      {"POST", "/api/super-admin/settings"},
      {"GET", "/api/super-admin/ip/blocked"},
      {"POST", "/api/super-admin/ip/block"},
      {"DELETE", "/api/super-admin/ip/unblock/203.0.113.5"},
      {"GET", "/api/super-admin/users"},
      {"POST", "/api/super-admin/users/reset-password"},
      {"POST", "/api/super-admin/users/logout"},
      {"POST", "/api/super-admin/users/role"},
      {"PUT", "/api/super-admin/users/" + id},
  };
  for (const auto& [method, target] : routes) {
    json::value body = method == "GET" || method == "DELETE" ? json::value(nullptr) : json::value(json::object{});
    auto anonymous = call(method, target, body, "");
    EXPECT_EQ(anonymous.status, 401) << method << " " << target << ": " << anonymous.body;
    for (const std::string* token : {&admin_, &customer_}) {
      auto refused = call(method, target, body, *token);
      EXPECT_EQ(refused.status, 403) << method << " " << target << ": " << refused.body;
      EXPECT_EQ(auth::error_message(refused), "Insufficient permissions");
    }
  }
  EXPECT_EQ(qn("SELECT count(*) FROM blocked_ips"), blocked);
  EXPECT_EQ(q("SELECT value FROM system_settings WHERE key = 'siteName'"), site_name);
  EXPECT_EQ(q("SELECT is_active FROM users WHERE id = " + quote(id)), "t");

  auto login = as_super("POST", "/api/super-admin/login");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json(), json::parse(R"({"success":true,"message":"Super Admin Access Granted"})"));
  EXPECT_EQ(login.header("cache-control"), "private, no-store");
}

// ---- stats, health, env ------------------------------------------------------

TEST_F(SuperAdminApi, StatsCountsMatchTheDatabase) {
  ASSERT_TRUE(server_->wait_for_warm_cache(super_));
  auto r = as_super("GET", "/api/super-admin/stats");
  ASSERT_EQ(r.status, 200) << r.body;
  auto stats = r.json().at("stats").as_object();
  const std::vector<std::pair<const char*, const char*>> tables{
      {"users", "users"},           {"orders", "orders"},
      {"products", "products"},     {"orderItems", "order_items"},
      {"addresses", "addresses"},   {"settings", "system_settings"},
      {"blockedIps", "blocked_ips"}};
  for (const auto& [field, table] : tables) {
    EXPECT_EQ(stats.at(field).as_int64(), qn(std::string("SELECT count(*) FROM ") + table)) << field;
  }
  EXPECT_EQ(str(stats.at("dbStatus")), "connected");
  EXPECT_EQ(str(stats.at("node_env")), server_->config.node_env);
  auto memory = stats.at("memory_usage").as_object();
  EXPECT_GT(memory.at("rss").as_int64(), 1 << 20) << "a server holds more than a megabyte";
  EXPECT_TRUE(memory.at("heapTotal").is_number());
  EXPECT_TRUE(memory.at("heapUsed").is_number());
  EXPECT_GE(stats.at("uptime").to_number<double>(), 0.0);
  EXPECT_EQ(r.statements(), 1) << "the counts in one statement";
}

TEST_F(SuperAdminApi, HealthIsTheDashboardsSystemHealth) {
  auto r = as_super("GET", "/api/super-admin/health");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json().at("data").as_object();
  auto dashboard = call("GET", "/api/admin/dashboard/system-health", nullptr, admin_).json().at("data").as_object();
  for (const char* k : {"database", "pool", "queue", "uptime"}) {
    EXPECT_TRUE(data.contains(k)) << k;
    EXPECT_TRUE(dashboard.contains(k)) << k;
  }
  EXPECT_EQ(str(data.at("database").at("status")), "connected");
  EXPECT_TRUE(data.at("queue").as_object().contains("pending"));
  EXPECT_GE(data.at("uptime").to_number<double>(), 0.0);
}

TEST_F(SuperAdminApi, EnvNamesThreeSettingsAndNoSecret) {
  auto r = as_super("GET", "/api/super-admin/env");
  ASSERT_EQ(r.status, 200) << r.body;
  const Config& c = server_->config;
  EXPECT_EQ(r.json(),
            json::parse(json::serialize(json::object{{"success", true},
                                                     {"env", json::object{{"NODE_ENV", c.node_env},
                                                                          {"PORT", std::to_string(c.port)},
                                                                          {"FRONTEND_URL", c.frontend_url}}}})));
  EXPECT_EQ(r.body.find(c.jwt_secret), std::string::npos);
  EXPECT_EQ(r.body.find(c.database_url), std::string::npos);
}

// ---- settings --------------------------------------------------------------

TEST_F(SuperAdminApi, SettingsAreTheRawRows) {
  auto r = as_super("GET", "/api/super-admin/settings");
  ASSERT_EQ(r.status, 200) << r.body;
  auto settings = r.json().at("settings").as_array();
  EXPECT_EQ(static_cast<long long>(settings.size()), qn("SELECT count(*) FROM system_settings"));
  std::string keys;
  for (const auto& s : settings) {
    for (const char* k : {"id", "key", "value", "description", "updatedBy", "updatedAt"}) {
      EXPECT_TRUE(s.as_object().contains(k)) << k;
    }
    EXPECT_TRUE(s.at("value").is_string()) << "stored strings, not parsed";
    keys += (keys.empty() ? "" : ",") + str(s.at("key"));
  }
  EXPECT_EQ(keys, q("SELECT string_agg(key, ',' ORDER BY key) FROM system_settings"));
}

TEST_F(SuperAdminApi, SettingWriteTakesEffectAtOnce) {
  q("DROP TRIGGER wh_system_settings_changed ON system_settings");
  EXPECT_EQ(str(ok("/api/settings/public").at("data").at("siteName")), "WigHaven");
  long long purges = qn("SELECT count(*) FROM wh_purge_outbox WHERE 'settings' = ANY(tags)");
  Probes probes{{"settings", "settings"}};

  auto r = as_super("POST", "/api/super-admin/settings",
                    json::object{{"key", "siteName"}, {"value", "Wig Palace"}, {"description", "The shop's name"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto setting = r.json().at("setting").as_object();
  EXPECT_EQ(str(setting.at("key")), "siteName");
  EXPECT_EQ(str(setting.at("value")), "Wig Palace");
  EXPECT_EQ(str(setting.at("description")), "The shop's name");
  EXPECT_EQ(str(setting.at("updatedBy")), super_id());
  EXPECT_EQ(str(setting.at("id")), q("SELECT id FROM system_settings WHERE key = 'siteName'"));
  probes.expect_invalidated();
  EXPECT_EQ(str(ok("/api/settings/public").at("data").at("siteName")), "Wig Palace") << "the public answer at once";
  EXPECT_GT(qn("SELECT count(*) FROM wh_purge_outbox WHERE 'settings' = ANY(tags)"), purges) << "the edge purge";
  EXPECT_EQ(activities("setting.update", str(setting.at("id"))), 1);

  // No description: the stored one stays.
  auto again = as_super("POST", "/api/super-admin/settings", json::object{{"key", "siteName"}, {"value", "WigHaven"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().at("setting").at("description")), "The shop's name");
  EXPECT_EQ(str(ok("/api/settings/public").at("data").at("siteName")), "WigHaven");

  // Maintenance: customers are refused from the next request on.
  EXPECT_EQ(call("GET", "/api/products", nullptr, customer_).status, 200);
  auto on = as_super("POST", "/api/super-admin/settings", json::object{{"key", "maintenanceMode"}, {"value", true}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(str(on.json().at("setting").at("value")), "true");
  EXPECT_EQ(call("GET", "/api/products", nullptr, customer_).status, 503);
  EXPECT_EQ(status("/api/products"), 503);
  EXPECT_EQ(as_admin("GET", "/api/products").status, 200) << "admins pass";
  EXPECT_TRUE(ok("/api/settings/public").at("data").at("maintenanceMode").as_bool());
  EXPECT_NEAR(static_cast<double>(qn("SELECT value FROM system_settings WHERE key = 'maintenanceModeStartedAt'")),
              static_cast<double>(auth::now_s()), 60);
  auto off = as_super("POST", "/api/super-admin/settings", json::object{{"key", "maintenanceMode"}, {"value", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(call("GET", "/api/products", nullptr, customer_).status, 200);
}

TEST_F(SuperAdminApi, SettingWriteListsEveryBadField) {
  long long before = qn("SELECT count(*) FROM system_settings");
  auto none = as_super("POST", "/api/super-admin/settings", json::object{});
  ASSERT_EQ(none.status, 400) << none.body;
  auto f = field_errors(none);
  EXPECT_EQ(f["key"], "\"key\" is required");
  EXPECT_EQ(f["value"], "\"value\" is required");
  auto bad = field_errors(
      as_super("POST", "/api/super-admin/settings",
               json::object{{"key", "site name"}, {"value", "x"}, {"description", std::string(256, 'd')}}));
  EXPECT_EQ(bad["key"], "\"key\" must contain only letters, digits, '_', '-' and '.'");
  EXPECT_EQ(bad.count("description"), 1U);
  EXPECT_EQ(qn("SELECT count(*) FROM system_settings"), before);
}

// ---- IP blocks ----------------------------------------------------------------

TEST_F(SuperAdminApi, IpBlockHoldsAtOnceAndUnblockLiftsIt) {
  q("DROP TRIGGER wh_blocked_ips_changed ON blocked_ips");
  const std::string ip = "203.0.113.66";
  ASSERT_EQ(status_from(ip), 200);

  auto r = as_super("POST", "/api/super-admin/ip/block", json::object{{"ip", " " + ip + " "}, {"reason", "abuse"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto row = r.json().at("data").as_object();
  EXPECT_EQ(str(row.at("ip")), ip);
  EXPECT_EQ(str(row.at("reason")), "abuse");
  EXPECT_EQ(str(row.at("blockedBy")), super_id());
  EXPECT_EQ(str(r.json().at("message")), "IP " + ip + " blocked");
  EXPECT_EQ(status_from(ip), 403) << "refused from the next request on";
  EXPECT_EQ(status_from("::ffff:" + ip), 403);
  EXPECT_EQ(status_from("203.0.113.67"), 200);
  EXPECT_EQ(activities("ip.block", str(row.at("id"))), 1);

  auto listed = as_super("GET", "/api/super-admin/ip/blocked").json().at("ips").as_array();
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(str(listed[0].at("ip")), ip) << "newest first";
  EXPECT_EQ(static_cast<long long>(listed.size()), qn("SELECT count(*) FROM blocked_ips"));

  auto twice = as_super("POST", "/api/super-admin/ip/block", json::object{{"ip", "::ffff:" + ip}});
  EXPECT_EQ(twice.status, 409) << twice.body;

  auto lifted = as_super("DELETE", "/api/super-admin/ip/unblock/" + ip);
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_EQ(str(lifted.json().at("message")), "IP " + ip + " unblocked");
  EXPECT_EQ(status_from(ip), 200) << "served again from the next request on";
  EXPECT_EQ(activities("ip.unblock", str(row.at("id"))), 1);
  EXPECT_EQ(as_super("DELETE", "/api/super-admin/ip/unblock/" + ip).status, 404);

  // A range, typed in capitals; unblocked by its slash written %2F.
  auto range = as_super("POST", "/api/super-admin/ip/block", json::object{{"ip", "2001:DB8:BAD::/48"}});
  ASSERT_EQ(range.status, 200) << range.body;
  EXPECT_EQ(str(range.json().at("data").at("ip")), "2001:db8:bad::/48");
  EXPECT_EQ(status_from("2001:db8:bad:77::1"), 403);
  EXPECT_EQ(status_from("2001:db8:bae::1"), 200);
  ASSERT_EQ(as_super("DELETE", "/api/super-admin/ip/unblock/2001:db8:bad::%2F48").status, 200);
  EXPECT_EQ(status_from("2001:db8:bad:77::1"), 200);
}

TEST_F(SuperAdminApi, IpBlockRefusesBadEntriesAndTheCallersOwnAddress) {
  long long before = qn("SELECT count(*) FROM blocked_ips");
  for (const char* bad : {"evil", "203.0.113.9/33", "1.2.3.4, 5.6.7.8", "10.0.0.0/4", "2001:db8::/8"}) {
    auto r = as_super("POST", "/api/super-admin/ip/block", json::object{{"ip", bad}});
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(field_errors(r).count("ip"), 1U) << bad;
  }
  EXPECT_EQ(as_super("POST", "/api/super-admin/ip/block", json::object{}).status, 400);
  // This client is 127.0.0.1 (no CF-Connecting-IP from the trusted proxy).
  for (const char* own : {"127.0.0.1", "::ffff:127.0.0.1", "127.0.0.0/8"}) {
    auto r = as_super("POST", "/api/super-admin/ip/block", json::object{{"ip", own}});
    EXPECT_EQ(r.status, 400) << own << ": " << r.body;
    EXPECT_EQ(auth::error_message(r), "You cannot block your own IP address") << own;
  }
  auto mine = super_from("198.51.100.9", "POST", "/api/super-admin/ip/block", json::object{{"ip", "198.51.100.0/24"}});
  EXPECT_EQ(mine.status, 400) << mine.body;
  EXPECT_EQ(qn("SELECT count(*) FROM blocked_ips"), before);
  EXPECT_EQ(status_from("198.51.100.9"), 200);
}

// ---- users ------------------------------------------------------------------

TEST_F(SuperAdminApi, UsersAreTheNewestHundredWithOrderCounts) {
  ASSERT_TRUE(server_->wait_for_warm_cache(super_));
  auto r = as_super("GET", "/api/super-admin/users");
  ASSERT_EQ(r.status, 200) << r.body;
  auto users = r.json().at("users").as_array();
  EXPECT_EQ(static_cast<long long>(users.size()), std::min(100LL, qn("SELECT count(*) FROM users")));
  std::string got;
  for (const auto& u : users) {
    for (const char* k : {"id", "email", "firstName", "lastName", "role", "isActive", "createdAt", "_count"}) {
      EXPECT_TRUE(u.as_object().contains(k)) << k;
    }
    EXPECT_FALSE(u.as_object().contains("password"));
    got += (got.empty() ? "" : ",") + str(u.at("id")) + ":" + std::to_string(u.at("_count").at("orders").as_int64());
  }
  EXPECT_EQ(got, q("SELECT string_agg(u.id || ':' || (SELECT count(*) FROM orders o WHERE o.user_id = u.id), ','"
                   " ORDER BY u.created_at DESC, u.id DESC) FROM (SELECT id, created_at FROM users"
                   " ORDER BY created_at DESC, id DESC LIMIT 100) u"));
  EXPECT_EQ(r.statements(), 1) << "one statement: no N+1";
}

TEST_F(SuperAdminApi, ResetPasswordAppliesThePolicyAndVoidsOldTokens) {
  std::string email = server_->verified_customer(2);
  std::string id = user_id(email);
  auto [access, refresh] = server_->tokens(email, auth::kCustomerPassword);
  ASSERT_EQ(server_->me(access).status, 200);
  std::string hash = q("SELECT password FROM users WHERE id = " + quote(id));

  auto weak = as_super("POST", "/api/super-admin/users/reset-password",
                       json::object{{"userId", id}, {"newPassword", "password"}});
  EXPECT_EQ(weak.status, 400) << weak.body;
  EXPECT_EQ(field_errors(weak).count("newPassword"), 1U);
  EXPECT_EQ(as_super("POST", "/api/super-admin/users/reset-password", json::object{{"userId", id}}).status, 400);
  EXPECT_EQ(as_super("POST", "/api/super-admin/users/reset-password",
                     json::object{{"userId", "cnosuchuser00000000000000"}, {"newPassword", "Fresh@Pass9"}})
                .status,
            404);
  EXPECT_EQ(as_super("POST", "/api/super-admin/users/reset-password",
                     json::object{{"userId", super_id()}, {"newPassword", "Fresh@Pass9"}})
                .status,
            400)
      << "his own password needs the current one";
  EXPECT_EQ(q("SELECT password FROM users WHERE id = " + quote(id)), hash);
  EXPECT_EQ(server_->me(access).status, 200);

  // A locked account is unlocked by the reset.
  q("UPDATE users SET failed_login_attempts = 5, locked_until = now() + interval '1 hour' WHERE id = " + quote(id));
  auto r = as_super("POST", "/api/super-admin/users/reset-password",
                    json::object{{"userId", id}, {"newPassword", "Fresh@Pass9"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"success":true,"message":"Password reset successfully"})"));
  EXPECT_EQ(server_->me(access).status, 401) << "tokens from before the reset are void";
  EXPECT_EQ(server_->login(email, auth::kCustomerPassword).status, 401);
  auto fresh = server_->tokens(email, "Fresh@Pass9").first;
  EXPECT_EQ(server_->me(fresh).status, 200);
  EXPECT_EQ(activities("user.reset_password", id), 1);
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE changes::text LIKE '%Fresh%'"), 0);
}

TEST_F(SuperAdminApi, LogoutDeactivatesAndEndsEverySession) {
  std::string email = server_->verified_customer(3);
  std::string id = user_id(email);
  auto access = server_->tokens(email, auth::kCustomerPassword).first;
  ASSERT_EQ(server_->me(access).status, 200);

  EXPECT_EQ(as_super("POST", "/api/super-admin/users/logout", json::object{}).status, 400);
  EXPECT_EQ(
      as_super("POST", "/api/super-admin/users/logout", json::object{{"userId", "cnosuchuser00000000000000"}}).status,
      404);
  auto own = as_super("POST", "/api/super-admin/users/logout", json::object{{"userId", super_id()}});
  EXPECT_EQ(own.status, 400) << own.body;
  EXPECT_EQ(q("SELECT is_active FROM users WHERE id = " + quote(super_id())), "t");

  auto r = as_super("POST", "/api/super-admin/users/logout", json::object{{"userId", id}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").as_object(),
            json::parse(R"({"id":")" + id + R"(","email":")" + email + R"(","isActive":false})").as_object());
  EXPECT_EQ(server_->me(access).status, 401) << "signed out at once";
  auto login = server_->login(email, auth::kCustomerPassword);
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(auth::error_message(login), "Account has been deactivated");
  EXPECT_EQ(activities("user.logout", id), 1);
}

TEST_F(SuperAdminApi, RoleChangesTakeEffectAndASuperAdminKeepsHisOwn) {
  std::string email = server_->verified_customer(4);
  std::string id = user_id(email);
  auto before = server_->tokens(email, auth::kCustomerPassword).first;

  auto bad = as_super("POST", "/api/super-admin/users/role", json::object{{"userId", id}, {"role", "owner"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(as_super("POST", "/api/super-admin/users/role", json::object{{"userId", id}}).status, 400);
  EXPECT_EQ(as_super("POST", "/api/super-admin/users/role",
                     json::object{{"userId", "cnosuchuser00000000000000"}, {"role", "admin"}})
                .status,
            404);
  auto demote =
      as_super("POST", "/api/super-admin/users/role", json::object{{"userId", super_id()}, {"role", "admin"}});
  EXPECT_EQ(demote.status, 400) << demote.body;
  EXPECT_EQ(q("SELECT role FROM users WHERE id = " + quote(super_id())), "super_admin");
  EXPECT_EQ(as_super("GET", "/api/super-admin/env").status, 200) << "still a super admin";

  auto r = as_super("POST", "/api/super-admin/users/role", json::object{{"userId", id}, {"role", "admin"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto user = r.json().at("user").as_object();
  EXPECT_EQ(str(user.at("role")), "admin");
  EXPECT_EQ(str(user.at("email")), email);
  EXPECT_FALSE(user.contains("password"));
  EXPECT_EQ(server_->me(before).status, 401) << "the customer token dies with the role";
  auto promoted = server_->tokens(email, auth::kCustomerPassword).first;
  EXPECT_EQ(call("GET", "/api/admin/users", nullptr, promoted).status, 200);
  EXPECT_EQ(call("GET", "/api/super-admin/users", nullptr, promoted).status, 403);
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'user.role' AND entity_id = " + quote(id) +
               " AND changes = '{\"role\": \"admin\"}'::jsonb"),
            1);

  ASSERT_EQ(as_super("POST", "/api/super-admin/users/role", json::object{{"userId", id}, {"role", "customer"}}).status,
            200);
  EXPECT_EQ(call("GET", "/api/admin/users", nullptr, promoted).status, 401) << "the admin token dies too";
}

TEST_F(SuperAdminApi, UpdateUserValidatesLikeTheProfileAndRefusesATakenEmail) {
  std::string email = server_->verified_customer(5);
  std::string id = user_id(email);
  std::string other = server_->verified_customer(6);
  const std::string target = "/api/super-admin/users/" + id;

  EXPECT_EQ(as_super("PUT", target, json::object{}).status, 400);
  auto bad = as_super("PUT", target, json::object{{"firstName", "R2-D2"}, {"phone", "0244"}, {"email", "nope"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  auto f = field_errors(bad);
  EXPECT_EQ(f["firstName"], "Name can only contain letters, spaces, and hyphens");
  EXPECT_EQ(f["phone"], "Phone must be in E.164 format (e.g., +1234567890)");
  EXPECT_EQ(f["email"], "Please provide a valid email address");
  EXPECT_EQ(as_super("PUT", "/api/super-admin/users/cnosuchuser00000000000000", json::object{{"lastName", "X"}}).status,
            404);

  auto taken = as_super("PUT", target, json::object{{"email", " " + other + " "}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(q("SELECT email FROM users WHERE id = " + quote(id)), email);

  auto r = as_super("PUT", target,
                    json::object{{"firstName", " Ama "},
                                 {"lastName", "Owusu-Mensah"},
                                 {"email", "Ama.Owusu@Example.com"},
                                 {"phone", "+233201234567"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto user = r.json().at("user").as_object();
  EXPECT_EQ(str(user.at("firstName")), "Ama");
  EXPECT_EQ(str(user.at("lastName")), "Owusu-Mensah");
  EXPECT_EQ(str(user.at("email")), "ama.owusu@example.com");
  EXPECT_EQ(str(user.at("phone")), "+233201234567");
  EXPECT_EQ(q("SELECT email || ' ' || first_name FROM users WHERE id = " + quote(id)), "ama.owusu@example.com Ama");
  EXPECT_EQ(server_->login("ama.owusu@example.com", auth::kCustomerPassword).status, 200);

  // A partial update keeps the rest; "" clears the phone.
  auto phone = as_super("PUT", target, json::object{{"phone", ""}});
  ASSERT_EQ(phone.status, 200) << phone.body;
  EXPECT_TRUE(phone.json().at("user").at("phone").is_null());
  EXPECT_EQ(str(phone.json().at("user").at("firstName")), "Ama");

  EXPECT_EQ(activities("user.update", id), 2);
  EXPECT_EQ(qn("SELECT count(*) FROM admin_activities WHERE action = 'user.update' AND changes::text LIKE '%ama%'"), 0)
      << "field names only";
}

}  // namespace
}  // namespace wh::test
