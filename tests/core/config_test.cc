#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wh {
namespace {

// Every variable Config::from_env reads.
const std::vector<std::string> kVars = {"HOST",
                                        "PORT",
                                        "WH_THREADS",
                                        "NODE_ENV",
                                        "HTTP_READ_TIMEOUT_S",
                                        "HTTP_IDLE_TIMEOUT_S",
                                        "SHUTDOWN_GRACE_S",
                                        "HTTP_MAX_HEADER_BYTES",
                                        "HTTP_MAX_BODY_BYTES",
                                        "DEBUG_QUERY_HEADERS",
                                        "ACCESS_LOG",
                                        "FRONTEND_URL",
                                        "DATABASE_URL",
                                        "DB_POOL_SIZE",
                                        "DB_ACQUIRE_TIMEOUT_MS",
                                        "DB_CONNECT_TIMEOUT_MS",
                                        "DB_STATEMENT_TIMEOUT_MS",
                                        "DB_CONNECT_RETRIES",
                                        "DATABASE_TRANSPORT",
                                        "DATABASE_WS_URL",
                                        "DATABASE_WS_CA_FILE",
                                        "JWT_SECRET",
                                        "RATE_LIMIT_IPV6_PREFIX",
                                        "RATE_LIMITS",
                                        "ORIGIN_SECRET",
                                        "TRUSTED_PROXIES",
                                        "TRUSTED_PROXIES_FILE",
                                        "BREVO_API_KEY",
                                        "OUTBOUND_CA_FILE",
                                        "OUTBOUND_TIMEOUT_MS",
                                        "OUTBOUND_MAX_PER_HOST",
                                        "CURRENCY_API_URL",
                                        "CURRENCY_API_KEY",
                                        "CURRENCY_REFRESH_MS",
                                        "CURRENCY_RETRY_MS",
                                        "WORKER_LEASE_TTL_MS",
                                        "CLOUDFLARE_API_TOKEN",
                                        "CLOUDFLARE_ZONE_ID",
                                        "CLOUDFLARE_API_BASE_URL",
                                        "CLOUDFLARE_PURGE_MODE",
                                        "CLOUDFLARE_PUBLIC_BASE_URL",
                                        "CLOUDFLARE_PURGE_RATE_PER_MIN",
                                        "CLOUDFLARE_PURGE_BURST",
                                        "CLOUDFLARE_PURGE_MAX_ITEMS",
                                        "CLOUDFLARE_PURGE_COLLAPSE",
                                        "CLOUDFLARE_PURGE_DELAY_MS",
                                        "CLOUDFLARE_PURGE_POLL_MS",
                                        "CLOUDFLARE_PURGE_RETRY_MS",
                                        "CLOUDFLARE_PURGE_RETRY_MAX_MS",
                                        "CLOUDFLARE_PURGE_CLAIM_TIMEOUT_MS",
                                        "CLOUDFLARE_PURGE_RETENTION",
                                        "EDGE_BROWSER_MAX_AGE_S",
                                        "EDGE_CATALOG_MAX_AGE_S",
                                        "EDGE_SETTINGS_MAX_AGE_S",
                                        "EDGE_BANNERS_MAX_AGE_S",
                                        "EDGE_CURRENCY_MAX_AGE_S",
                                        "EDGE_STALE_WHILE_REVALIDATE_S",
                                        "EDGE_STALE_IF_ERROR_S"};

// Clears the variables for the test and restores the previous values after it.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& v : kVars) {
      const char* old = std::getenv(v.c_str());
      saved_[v] = old ? std::optional<std::string>(old) : std::nullopt;
      unsetenv(v.c_str());
    }
  }
  void TearDown() override {
    for (const auto& [k, v] : saved_) {
      if (v)
        setenv(k.c_str(), v->c_str(), 1);
      else
        unsetenv(k.c_str());
    }
  }
  static void set(const char* k, const char* v) { setenv(k, v, 1); }

  // from_env must throw a std::runtime_error whose message names `var`.
  static void expect_rejected(const char* var, const char* value) {
    set(var, value);
    try {
      (void)Config::from_env();
      ADD_FAILURE() << var << "=" << value << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(var), std::string::npos)
          << "message does not name " << var << ": " << e.what();
    }
    unsetenv(var);
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(ConfigTest, DefaultsWhenNothingIsSet) {
  Config c = Config::from_env();
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 7860);
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.node_env, "development");
  EXPECT_FALSE(c.production());
  EXPECT_EQ(c.read_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.idle_timeout, std::chrono::seconds(75));
  EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(10));
  EXPECT_EQ(c.max_header_bytes, 16u * 1024u);
  EXPECT_EQ(c.max_body_bytes, 10u * 1024u * 1024u);
  EXPECT_FALSE(c.debug_headers);
  EXPECT_TRUE(c.access_log);
  EXPECT_EQ(c.frontend_url, "http://localhost:5173");
  EXPECT_EQ(c.database_url, "");
  EXPECT_EQ(c.db_pool_size, 6);
  EXPECT_EQ(c.db_acquire_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(c.db_connect_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.db_statement_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.db_connect_retries, 4);
  EXPECT_EQ(c.jwt_secret, "");
}

TEST_F(ConfigTest, EdgeCachingAgesHaveDefaultsAndOverrides) {
  using std::chrono::seconds;
  struct Age {
    const char* var;
    seconds Config::*field;
    long long fallback, value;
  };
  const std::vector<Age> ages = {{"EDGE_BROWSER_MAX_AGE_S", &Config::browser_max_age, 60, 0},
                                 {"EDGE_CATALOG_MAX_AGE_S", &Config::edge_catalog_max_age, 86400, 7200},
                                 {"EDGE_SETTINGS_MAX_AGE_S", &Config::edge_settings_max_age, 600, 30},
                                 {"EDGE_BANNERS_MAX_AGE_S", &Config::edge_banners_max_age, 60, 15},
                                 {"EDGE_CURRENCY_MAX_AGE_S", &Config::edge_currency_max_age, 3600, 900},
                                 {"EDGE_STALE_WHILE_REVALIDATE_S", &Config::edge_swr, 60, 5},
                                 {"EDGE_STALE_IF_ERROR_S", &Config::edge_sie, 86400, 0}};
  Config defaults = Config::from_env();
  for (const auto& a : ages) EXPECT_EQ(defaults.*a.field, seconds(a.fallback)) << a.var;
  for (const auto& a : ages) set(a.var, std::to_string(a.value).c_str());
  Config c = Config::from_env();
  for (const auto& a : ages) EXPECT_EQ(c.*a.field, seconds(a.value)) << a.var;
  expect_rejected("EDGE_CATALOG_MAX_AGE_S", "-1");
  expect_rejected("EDGE_BROWSER_MAX_AGE_S", "1m");
}

TEST_F(ConfigTest, ReadsValuesFromTheEnvironment) {
  set("HOST", "127.0.0.1");
  set("PORT", "8080");
  set("DB_POOL_SIZE", "12");
  set("WH_THREADS", "3");
  set("NODE_ENV", "production");
  set("DATABASE_URL", "postgresql://u@h/db");
  set("DB_ACQUIRE_TIMEOUT_MS", "250");
  set("DB_STATEMENT_TIMEOUT_MS", "0");
  set("DB_CONNECT_RETRIES", "0");
  set("SHUTDOWN_GRACE_S", "2");
  set("HTTP_MAX_BODY_BYTES", "2048");
  set("DEBUG_QUERY_HEADERS", "1");
  set("ACCESS_LOG", "false");
  set("JWT_SECRET", "s3cret");
  Config c = Config::from_env();
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.db_pool_size, 12);
  EXPECT_EQ(c.threads, 3);
  EXPECT_TRUE(c.production());
  EXPECT_EQ(c.database_url, "postgresql://u@h/db");
  EXPECT_EQ(c.db_acquire_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c.db_statement_timeout, std::chrono::milliseconds(0));
  EXPECT_EQ(c.db_connect_retries, 0);
  EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(2));
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_TRUE(c.debug_headers);
  EXPECT_FALSE(c.access_log);
  EXPECT_EQ(c.jwt_secret, "s3cret");
}

TEST_F(ConfigTest, PortBoundsAreInclusive) {
  set("PORT", "0");
  EXPECT_EQ(Config::from_env().port, 0);
  set("PORT", "65535");
  EXPECT_EQ(Config::from_env().port, 65535);
}

TEST_F(ConfigTest, EmptyValueMeansDefault) {
  set("PORT", "");
  set("DB_POOL_SIZE", "");
  Config c = Config::from_env();
  EXPECT_EQ(c.port, 7860);
  EXPECT_EQ(c.db_pool_size, 6);
}

TEST_F(ConfigTest, BadIntegersThrowNamingTheVariable) {
  expect_rejected("PORT", "abc");
  expect_rejected("PORT", "80x");
  expect_rejected("PORT", "65536");
  expect_rejected("PORT", "-1");
  expect_rejected("DB_POOL_SIZE", "0");
  expect_rejected("DB_POOL_SIZE", "201");
  expect_rejected("DB_POOL_SIZE", "six");
  expect_rejected("DB_ACQUIRE_TIMEOUT_MS", "5");
  expect_rejected("DB_CONNECT_RETRIES", "21");
  expect_rejected("HTTP_MAX_BODY_BYTES", "12.5");
}

TEST_F(ConfigTest, BooleanFlagsAcceptCommonSpellings) {
  for (const char* yes : {"1", "true", "yes", "on"}) {
    set("DEBUG_QUERY_HEADERS", yes);
    EXPECT_TRUE(Config::from_env().debug_headers) << yes;
  }
  for (const char* no : {"0", "false", "no", "off"}) {
    set("ACCESS_LOG", no);
    EXPECT_FALSE(Config::from_env().access_log) << no;
  }
}

TEST_F(ConfigTest, Ipv6PrefixAndMailProvider) {
  Config d = Config::from_env();
  EXPECT_EQ(d.rate_limit_ipv6_prefix, 64);
  EXPECT_EQ(d.brevo_api_key, "");
  set("RATE_LIMIT_IPV6_PREFIX", "56");
  set("BREVO_API_KEY", "xkeysib-123");
  Config c = Config::from_env();
  EXPECT_EQ(c.rate_limit_ipv6_prefix, 56);
  EXPECT_EQ(c.brevo_api_key, "xkeysib-123");
  expect_rejected("RATE_LIMIT_IPV6_PREFIX", "129");
  expect_rejected("RATE_LIMIT_IPV6_PREFIX", "16");
  expect_rejected("RATE_LIMIT_IPV6_PREFIX", "64x");
}

TEST_F(ConfigTest, OutboundClientAndCurrencyRefresh) {
  Config d = Config::from_env();
  EXPECT_EQ(d.currency_api_url, "https://open.er-api.com/v6/latest/GHS");
  EXPECT_EQ(d.currency_refresh, std::chrono::hours(6));
  EXPECT_EQ(d.outbound_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(d.outbound_ca_file, "");
  set("CURRENCY_API_URL", "off");
  set("CURRENCY_API_KEY", "k");
  set("CURRENCY_REFRESH_MS", "60000");
  set("OUTBOUND_CA_FILE", "/etc/ca.pem");
  set("OUTBOUND_MAX_PER_HOST", "2");
  Config c = Config::from_env();
  EXPECT_EQ(c.currency_api_url, "");
  EXPECT_EQ(c.currency_api_key, "k");
  EXPECT_EQ(c.currency_refresh, std::chrono::milliseconds(60000));
  EXPECT_EQ(c.outbound_ca_file, "/etc/ca.pem");
  EXPECT_EQ(c.outbound_max_per_host, 2);
  expect_rejected("OUTBOUND_MAX_PER_HOST", "0");
  expect_rejected("CURRENCY_REFRESH_MS", "10");
}

// True when one of `problems` contains `needle`.
bool mentions(const std::vector<std::string>& problems, const std::string& needle) {
  for (const auto& p : problems) {
    if (p.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_F(ConfigTest, DatabaseTransportDefaultsToTcpAndChecksItsValues) {
  Config c = Config::from_env();
  EXPECT_EQ(c.database_transport, "tcp");
  EXPECT_FALSE(c.database_over_websocket());
  EXPECT_EQ(c.database_ws_url, "");
  EXPECT_EQ(c.database_ws_ca_file, "");
  set("DATABASE_TRANSPORT", "websocket");
  set("DATABASE_WS_URL", "wss://proxy.example.com:8080/v2");
  set("DATABASE_WS_CA_FILE", "/etc/ssl/private-ca.pem");
  c = Config::from_env();
  EXPECT_TRUE(c.database_over_websocket());
  EXPECT_EQ(c.database_ws_url, "wss://proxy.example.com:8080/v2");
  EXPECT_EQ(c.database_ws_ca_file, "/etc/ssl/private-ca.pem");
  expect_rejected("DATABASE_WS_URL", "ws://proxy.example.com/v2");
  expect_rejected("DATABASE_TRANSPORT", "wss");
}

TEST(ConfigProduction, DevelopmentIsNeverRefused) {
  Config c;
  c.rate_limits = false;
  EXPECT_TRUE(c.production_problems().empty());
}

TEST(ConfigProduction, UntrustedClientIpIsRefused) {
  Config c;
  c.node_env = "production";
  auto problems = c.production_problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems, "ORIGIN_SECRET")) << problems[0];
  EXPECT_TRUE(mentions(problems, "at least 32 characters")) << problems[0];
  EXPECT_TRUE(mentions(problems, "TRUSTED_PROXIES")) << problems[0];

  c.origin_secret = std::string(31, 'x');
  problems = c.production_problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems, "ORIGIN_SECRET is 31 characters")) << problems[0];
  c.trusted_proxies = "10.0.0.0/8";
  EXPECT_EQ(c.production_problems().size(), 1u) << "a guessable secret is refused even with a trusted proxy";

  c.origin_secret = std::string(32, 'x');
  EXPECT_TRUE(c.production_problems().empty());
  c.origin_secret.clear();
  EXPECT_TRUE(c.production_problems().empty()) << "TRUSTED_PROXIES alone is enough";
  c.trusted_proxies.clear();
  c.trusted_proxies_file = "/etc/wighaven/proxies.txt";
  EXPECT_TRUE(c.production_problems().empty()) << "so is an explicit TRUSTED_PROXIES_FILE";
}

TEST(ConfigProduction, RateLimitsOffAreRefused) {
  Config c;
  c.node_env = "production";
  c.origin_secret = std::string(40, 's');
  c.rate_limits = false;
  auto problems = c.production_problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems, "RATE_LIMITS")) << problems[0];
  c.trusted_proxies.clear();
  c.origin_secret.clear();
  EXPECT_EQ(c.production_problems().size(), 2u) << "every problem is reported at once";
}

TEST_F(ConfigTest, CloudflarePurgeDefaultsToTheFreePlanAndChecksTheMode) {
  Config c = Config::from_env();
  EXPECT_EQ(c.cloudflare_purge_mode, "tags");
  EXPECT_EQ(c.cloudflare_api_base_url, "https://api.cloudflare.com/client/v4");
  EXPECT_EQ(c.purge_rate_per_min, 5);
  EXPECT_EQ(c.purge_burst, 25);
  EXPECT_EQ(c.purge_max_items, 100);
  EXPECT_EQ(c.purge_retention, std::chrono::seconds(7 * 86400));
  EXPECT_EQ(c.worker_lease_ttl, std::chrono::milliseconds(30000));
  set("CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:9/client/v4/");
  set("CLOUDFLARE_PURGE_RETENTION", "12h");
  c = Config::from_env();
  EXPECT_EQ(c.cloudflare_api_base_url, "http://127.0.0.1:9/client/v4");
  EXPECT_EQ(c.purge_retention, std::chrono::seconds(12 * 3600));
  expect_rejected("CLOUDFLARE_PURGE_MODE", "prefixes");
  expect_rejected("CLOUDFLARE_PURGE_MAX_ITEMS", "0");
  set("CLOUDFLARE_PURGE_MODE", "urls");
  expect_rejected("CLOUDFLARE_PUBLIC_BASE_URL", "");
  set("CLOUDFLARE_PUBLIC_BASE_URL", "https://api.example.com");
  EXPECT_EQ(Config::from_env().cloudflare_public_base_url, "https://api.example.com");
}

}  // namespace
}  // namespace wh
