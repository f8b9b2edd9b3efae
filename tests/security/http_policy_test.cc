// The request pipeline's HTTP policy through the real server: CORS
// (preflights and actual responses), the helmet-style security headers,
// maintenance mode switched in the database, and JSON body errors.
#include "security/http_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "accounts/auth_test_support.h"

namespace wh::test::auth {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// True when the comma-separated header value lists `item` (case-insensitive).
bool lists(const std::string& header, const std::string& item) {
  std::string h = lower(header), want = lower(item);
  std::size_t pos = 0;
  while (pos <= h.size()) {
    auto comma = h.find(',', pos);
    std::string part = h.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (part == want) return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

HttpResult preflight(AuthServer& s, const std::string& path, const std::string& origin,
                     const std::string& method = "POST") {
  return HttpClient(s.port()).request("OPTIONS", path, "",
                                      {{"Origin", origin},
                                       {"Access-Control-Request-Method", method},
                                       {"Access-Control-Request-Headers", "content-type,authorization,x-auth-token"}});
}

// ---- CORS ------------------------------------------------------------------------------------

TEST(HttpPolicyCors, PreflightForTheFrontendIs204) {
  AuthServer s;
  const std::string origin = s.config.frontend_url;
  auto r = preflight(s, "/api/auth/login", origin);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty()) << r.body;
  EXPECT_EQ(r.header("access-control-allow-origin"), origin);
  EXPECT_EQ(r.header("access-control-allow-credentials"), "true");
  EXPECT_TRUE(lists(r.header("access-control-allow-headers"), "x-auth-token"))
      << r.header("access-control-allow-headers");
  EXPECT_TRUE(lists(r.header("access-control-allow-headers"), "Authorization"))
      << r.header("access-control-allow-headers");
  EXPECT_TRUE(lists(r.header("access-control-allow-headers"), "Content-Type"));
  EXPECT_TRUE(lists(r.header("access-control-allow-headers"), "X-Session-ID"));
  EXPECT_TRUE(lists(r.header("access-control-allow-methods"), "POST")) << r.header("access-control-allow-methods");
  EXPECT_TRUE(lists(r.header("access-control-allow-methods"), "DELETE"));
  EXPECT_TRUE(lists(r.header("vary"), "Origin")) << r.header("vary");
  EXPECT_EQ(r.statements(), 0);
  // Any path: a preflight never reaches the router.
  EXPECT_EQ(preflight(s, "/api/auth/me", origin, "GET").status, 204);
  EXPECT_EQ(preflight(s, "/api/not-a-route", origin, "DELETE").status, 204);
  // The old frontend dev origin is always allowed.
  EXPECT_EQ(preflight(s, "/api/auth/login", "http://localhost:3000").header("access-control-allow-origin"),
            "http://localhost:3000");
}

TEST(HttpPolicyCors, ActualResponsesCarryTheCorsHeaders) {
  AuthServer s;
  const std::string origin = s.config.frontend_url;
  auto r = s.get("/api", {{"Origin", origin}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("access-control-allow-origin"), origin);
  EXPECT_EQ(r.header("access-control-allow-credentials"), "true");
  EXPECT_TRUE(lists(r.header("access-control-expose-headers"), "X-Session-ID"))
      << r.header("access-control-expose-headers");
  // Errors too: the browser must be able to read a 401.
  auto err = s.get("/api/auth/me", {{"Origin", origin}});
  EXPECT_EQ(err.status, 401);
  EXPECT_EQ(err.header("access-control-allow-origin"), origin);
  // No Origin, no CORS headers.
  EXPECT_EQ(s.get("/api").header("access-control-allow-origin"), "");
  // (The public reads cached at the edge answer every caller alike with `*`:
  // tests/cache/edge_*_test.cc.)
}

TEST(HttpPolicyCors, DevelopmentReflectsAnyOrigin) {
  AuthServer s;
  ASSERT_EQ(s.config.node_env, "development");
  auto r = preflight(s, "/api/auth/login", "https://anything.example");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "https://anything.example");
}

TEST(HttpPolicyCors, DevelopmentWildcardNeverAllowsCredentials) {
  // Any site the developer visits could otherwise read their credentialed
  // responses; only the configured origins get Allow-Credentials.
  AuthServer s;
  ASSERT_EQ(s.config.node_env, "development");
  const std::string stranger = "https://anything.example";
  auto pre = preflight(s, "/api/auth/login", stranger);
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("access-control-allow-origin"), stranger);
  EXPECT_EQ(pre.header("access-control-allow-credentials"), "") << "preflight";
  auto get = s.get("/api", {{"Origin", stranger}});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.header("access-control-allow-origin"), stranger);
  EXPECT_EQ(get.header("access-control-allow-credentials"), "") << "actual response";
  auto err = s.get("/api/no-such-route", {{"Origin", stranger}});
  EXPECT_EQ(err.status, 404);
  EXPECT_EQ(err.header("access-control-allow-credentials"), "") << "error response";

  // The listed origins keep them in development.
  for (const std::string& listed : {s.config.frontend_url, std::string("http://localhost:3000")}) {
    EXPECT_EQ(preflight(s, "/api/auth/login", listed).header("access-control-allow-credentials"), "true") << listed;
    EXPECT_EQ(s.get("/api", {{"Origin", listed}}).header("access-control-allow-credentials"), "true") << listed;
  }
}

TEST(HttpPolicyCors, ProductionRefusesUnknownOrigins) {
  AuthServer s;
  s.config.node_env = "production";
  s.config.cors_origins = "https://admin.wighaven.example, https://staging.wighaven.example";
  const std::string evil = "https://evil.example";

  auto pre = preflight(s, "/api/auth/login", evil);
  EXPECT_EQ(pre.status, 403) << pre.body;
  EXPECT_EQ(pre.header("access-control-allow-origin"), "");
  EXPECT_EQ(error_type(pre), "ForbiddenError") << pre.body;

  auto get = s.get("/api", {{"Origin", evil}});
  EXPECT_EQ(get.status, 200);  // not a browser's business to be refused here: it just can't read it
  EXPECT_EQ(get.header("access-control-allow-origin"), "");
  EXPECT_EQ(get.header("access-control-allow-credentials"), "");

  // Close relatives of an allowed origin are not allowed.
  for (const std::string& near : {s.config.frontend_url + "/", s.config.frontend_url + ".evil.example",
                                  std::string("HTTP://LOCALHOST:5173"), std::string("null")}) {
    EXPECT_EQ(preflight(s, "/api/auth/login", near).status, 403) << near;
  }

  for (const std::string& good :
       {s.config.frontend_url, std::string("http://localhost:3000"), std::string("https://admin.wighaven.example"),
        std::string("https://staging.wighaven.example")}) {
    auto ok = preflight(s, "/api/auth/login", good);
    EXPECT_EQ(ok.status, 204) << good;
    EXPECT_EQ(ok.header("access-control-allow-origin"), good);
    EXPECT_EQ(s.get("/api", {{"Origin", good}}).header("access-control-allow-origin"), good);
  }
}

// ---- security headers --------------------------------------------------------------------------

void expect_security_headers(const HttpResult& r, bool production, const std::string& what) {
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(r.header("x-frame-options"), "SAMEORIGIN") << what;
  EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000; includeSubDomains; preload") << what;
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(r.header("cross-origin-opener-policy"), "same-origin") << what;
  EXPECT_EQ(r.header("x-xss-protection"), "0") << what;
  EXPECT_EQ(r.header("x-powered-by"), "") << what;
  if (production) {
    EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos) << what;
    EXPECT_NE(r.header("content-security-policy").find("frame-ancestors 'self'"), std::string::npos) << what;
  } else {
    EXPECT_EQ(r.header("content-security-policy"), "") << what;
  }
}

void check_every_kind_of_response(AuthServer& s, bool production) {
  expect_security_headers(s.get("/healthz"), production, "/healthz");
  expect_security_headers(s.get("/api/health"), production, "/api/health");
  expect_security_headers(s.get("/api/products?limit=1"), production, "200");
  expect_security_headers(s.get("/api/nope"), production, "404");
  expect_security_headers(s.get("/api/auth/me"), production, "401");
  expect_security_headers(s.post_raw("/api/auth/login", "{bad"), production, "400");
  expect_security_headers(preflight(s, "/api/auth/login", s.config.frontend_url), production, "preflight");
}

TEST(HttpPolicyHeaders, SecurityHeadersOnEveryResponse) {
  AuthServer s;
  check_every_kind_of_response(s, false);
}

TEST(HttpPolicyHeaders, ContentSecurityPolicyInProduction) {
  AuthServer s;
  s.config.node_env = "production";
  check_every_kind_of_response(s, true);
  // 429s too.
  s.stop();
  s.config.rate_limit_max = 1;
  s.get("/api/banners");
  auto limited = s.get("/api/banners");
  ASSERT_EQ(limited.status, 429);
  expect_security_headers(limited, true, "429");
}

// ---- maintenance mode ---------------------------------------------------------------------------

// Upserts the setting, as the admin panel (or another backend) would.
void set_maintenance(AuthServer& s, const std::string& key, bool on) {
  s.q("INSERT INTO system_settings (id, key, value, updated_at) VALUES ('cm' || substr(md5(random()::text), 1, 23), " +
      sql_quote(key) + ", " + sql_quote(on ? "true" : "false") +
      ", now() AT TIME ZONE 'UTC') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = "
      "EXCLUDED.updated_at");
}

TEST(HttpPolicyMaintenance, MaintenanceModeClosesTheShopButNotItsEssentials) {
  AuthServer s;
  std::string customer = s.verified_customer();
  auto customer_token = s.tokens(customer, kCustomerPassword).first;
  auto admin_token = s.tokens(kAdminEmail, kAdminPassword).first;
  ASSERT_EQ(s.get("/api/products?limit=1").status, 200);

  set_maintenance(s, "maintenanceMode", true);
  HttpResult closed;
  ASSERT_TRUE(wait_until([&] {
    closed = s.get("/api/products");
    return closed.status == 503;
  })) << closed.status
      << " " << closed.body;
  EXPECT_EQ(closed.header("retry-after"), "3600");
  auto v = closed.json();
  EXPECT_EQ(v.at("success"), false);
  EXPECT_EQ(v.at("error"), "MAINTENANCE_MODE") << closed.body;
  EXPECT_TRUE(v.at("message").is_string());
  EXPECT_EQ(v.at("retryAfter"), 3600);
  expect_security_headers(closed, false, "503");

  // What the storefront needs to show the maintenance page stays open.
  for (const char* open : {"/api/settings/public", "/api/products/categories", "/api/currency/rates", "/api/health",
                           "/healthz", "/gateway-health"}) {
    auto r = s.get(open);
    EXPECT_EQ(r.status, 200) << open << ": " << r.body;
  }
  EXPECT_EQ(s.get("/api/banners").status, 503);
  EXPECT_EQ(s.post("/api/auth/register", json::object{{"email", "during.maintenance@example.com"},
                                                      {"password", "Str0ng@Pass"},
                                                      {"firstName", "Ama"},
                                                      {"lastName", "Mensah"}})
                .status,
            503);

  // Staff pass.
  auto admin_products = s.get("/api/products?limit=1", bearer(admin_token));
  EXPECT_EQ(admin_products.status, 200) << admin_products.body;
  EXPECT_EQ(s.me(admin_token).status, 200);
  auto super_login = s.login(kSuperEmail, kAdminPassword);
  ASSERT_EQ(super_login.status, 200) << super_login.body;
  EXPECT_EQ(s.get("/api/products?limit=1", bearer(str(super_login.json().at("data").at("accessToken")))).status, 200);

  // Customers do not, token or not.
  EXPECT_EQ(s.get("/api/products?limit=1", bearer(customer_token)).status, 503);
  auto login = s.login(customer, kCustomerPassword);
  EXPECT_EQ(login.status, 503) << login.body;
  EXPECT_EQ(login.body.find("accessToken"), std::string::npos);
  auto me = s.me(customer_token);
  EXPECT_EQ(me.status, 401) << me.body;
  EXPECT_EQ(error_message(me), "Maintenance Mode - Please login again later");
  // A wrong password still says only that.
  EXPECT_EQ(error_message(s.login(customer, "Wrong@Pass1")), "Invalid email or password");

  set_maintenance(s, "maintenanceMode", false);
  EXPECT_TRUE(wait_until([&] { return s.get("/api/products?limit=1").status == 200; }));
  EXPECT_EQ(s.me(customer_token).status, 200);
  EXPECT_EQ(s.login(customer, kCustomerPassword).status, 200);
  EXPECT_EQ(s.get("/api/banners").status, 200);
}

TEST(HttpPolicyMaintenance, SnakeCaseKeyAlsoSwitchesIt) {
  AuthServer s;
  ASSERT_EQ(s.get("/api/products?limit=1").status, 200);
  set_maintenance(s, "maintenance_mode", true);
  EXPECT_TRUE(wait_until([&] { return s.get("/api/products?limit=1").status == 503; }));
  s.q("DELETE FROM system_settings WHERE key = 'maintenance_mode'");
  EXPECT_TRUE(wait_until([&] { return s.get("/api/products?limit=1").status == 200; }));
}

TEST(HttpPolicyMaintenance, OnAtStartIsEnforced) {
  AuthServer s;
  set_maintenance(s, "maintenanceMode", true);
  EXPECT_TRUE(wait_until([&] { return s.get("/api/products?limit=1").status == 503; }));
}

// ---- request bodies -------------------------------------------------------------------------------

TEST(HttpPolicyBodies, MalformedJsonIs400SyntaxError) {
  AuthServer s;
  for (const char* bad : {R"({"email": "a@example.com", )", "{bad", R"({"email":"a@example.com"} trailing)"}) {
    auto r = s.post_raw("/api/auth/login", bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(r.json().at("success"), false);
    EXPECT_EQ(error_type(r), "SyntaxError") << r.body;
    EXPECT_FALSE(error_message(r).empty());
  }
}

TEST(HttpPolicyBodies, NonObjectJsonIs400) {
  AuthServer s;
  for (const char* bad : {R"([{"email":"a@example.com","password":"x"}])", "null", "42", R"("text")"}) {
    auto r = s.post_raw("/api/auth/login", bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(error_type(r), "ValidationError") << r.body;
  }
  auto arr = s.post_raw("/api/auth/register", "[]");
  EXPECT_EQ(arr.status, 400) << arr.body;
  EXPECT_TRUE(has_field_error(arr, "", "\"value\" must be of type object")) << arr.body;
}

TEST(HttpPolicyBodies, EmptyBodyIsAnEmptyObject) {
  AuthServer s;
  auto r = s.post_raw("/api/auth/login", "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(has_field_error(r, "email", "Email is required")) << r.body;
  EXPECT_TRUE(has_field_error(r, "password", "Password is required")) << r.body;
}

}  // namespace
}  // namespace wh::test::auth
