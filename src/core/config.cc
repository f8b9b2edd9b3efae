#include "core/config.h"

#include <unistd.h>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wh {
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

long long env_int(const char* name, long long fallback, long long min, long long max) {
  const char* v = env(name);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (end == v || *end != '\0' || n < min || n > max) {
    throw std::runtime_error(std::string(name) + " must be an integer in [" + std::to_string(min) + ", " +
                             std::to_string(max) + "]");
  }
  return n;
}

bool env_bool(const char* name, bool fallback) {
  const char* v = env(name);
  if (v == nullptr) return fallback;
  std::string s(v);
  return s == "1" || s == "true" || s == "yes" || s == "on";
}

std::string env_str(const char* name, std::string fallback) {
  const char* v = env(name);
  return v != nullptr ? std::string(v) : fallback;
}

// "3600" (seconds) or a number with s/m/h/d, as the old JWT_EXPIRES_IN ("1h", "7d").
std::chrono::seconds env_duration(const char* name, std::chrono::seconds fallback) {
  const char* v = env(name);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  long long unit = 1;
  if (end != v && *end != '\0' && end[1] == '\0') {
    switch (*end) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        unit = 0;
    }
    ++end;
  }
  if (end == v || *end != '\0' || unit == 0 || n <= 0 || n > 10'000'000) {
    throw std::runtime_error(std::string(name) + " must be a duration like 3600, 15m, 1h or 7d");
  }
  return std::chrono::seconds(n * unit);
}

std::chrono::milliseconds env_ms(const char* name, std::chrono::milliseconds fallback, long long min, long long max) {
  return std::chrono::milliseconds(env_int(name, fallback.count(), min, max));
}

// The background workers and the Cloudflare purge.
void read_purge(Config& c) {
  constexpr long long kDay = 86400LL * 1000;
  c.worker_lease_ttl = env_ms("WORKER_LEASE_TTL_MS", c.worker_lease_ttl, 300, kDay);
  c.cloudflare_api_token = env_str("CLOUDFLARE_API_TOKEN", "");
  c.cloudflare_zone_id = env_str("CLOUDFLARE_ZONE_ID", "");
  c.cloudflare_analytics_token = env_str("CLOUDFLARE_ANALYTICS_TOKEN", "");
  c.cloudflare_api_base_url = env_str("CLOUDFLARE_API_BASE_URL", c.cloudflare_api_base_url);
  while (!c.cloudflare_api_base_url.empty() && c.cloudflare_api_base_url.back() == '/') {
    c.cloudflare_api_base_url.pop_back();
  }
  c.cloudflare_purge_mode = env_str("CLOUDFLARE_PURGE_MODE", c.cloudflare_purge_mode);
  if (c.cloudflare_purge_mode != "tags" && c.cloudflare_purge_mode != "urls" && c.cloudflare_purge_mode != "off") {
    throw std::runtime_error("CLOUDFLARE_PURGE_MODE must be tags, urls or off");
  }
  c.cloudflare_public_base_url = env_str("CLOUDFLARE_PUBLIC_BASE_URL", "");
  if (c.cloudflare_purge_mode == "urls" && c.cloudflare_public_base_url.rfind("http", 0) != 0) {
    throw std::runtime_error(
        "CLOUDFLARE_PUBLIC_BASE_URL must be set to the public URL prefix (https://api.example.com) when "
        "CLOUDFLARE_PURGE_MODE=urls");
  }
  c.purge_rate_per_min = static_cast<int>(env_int("CLOUDFLARE_PURGE_RATE_PER_MIN", c.purge_rate_per_min, 1, 1000000));
  c.purge_burst = static_cast<int>(env_int("CLOUDFLARE_PURGE_BURST", c.purge_burst, 1, 100000));
  c.purge_max_items = static_cast<int>(env_int("CLOUDFLARE_PURGE_MAX_ITEMS", c.purge_max_items, 1, 500));
  c.purge_collapse = env_bool("CLOUDFLARE_PURGE_COLLAPSE", c.purge_collapse);
  c.purge_delay = env_ms("CLOUDFLARE_PURGE_DELAY_MS", c.purge_delay, 0, 60000);
  c.purge_poll = env_ms("CLOUDFLARE_PURGE_POLL_MS", c.purge_poll, 50, kDay);
  c.purge_retry = env_ms("CLOUDFLARE_PURGE_RETRY_MS", c.purge_retry, 10, kDay);
  c.purge_retry_max = env_ms("CLOUDFLARE_PURGE_RETRY_MAX_MS", c.purge_retry_max, 10, kDay);
  c.purge_claim_timeout = env_ms("CLOUDFLARE_PURGE_CLAIM_TIMEOUT_MS", c.purge_claim_timeout, 100, kDay);
  c.purge_retention = env_duration("CLOUDFLARE_PURGE_RETENTION", c.purge_retention);
}

// The job scheduler.
void read_jobs(Config& c) {
  c.jobs_enabled = env_bool("JOBS_ENABLED", c.jobs_enabled);
  c.jobs_tick = env_ms("JOBS_TICK_MS", c.jobs_tick, 10, 3600000);
  c.jobs_history_days = static_cast<int>(env_int("JOBS_HISTORY_DAYS", c.jobs_history_days, 1, 3650));
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto name = entry.substr(0, entry.find('='));
    if (name.rfind("JOB_", 0) != 0) continue;
    std::string n(name);
    c.job_overrides[n] = env_int(n.c_str(), 0, 0, 1LL << 40);
  }
}

// Paystack and the checkout.
void read_payments(Config& c) {
  c.paystack_base_url = env_str("PAYSTACK_BASE_URL", c.paystack_base_url);
  while (!c.paystack_base_url.empty() && c.paystack_base_url.back() == '/') c.paystack_base_url.pop_back();
  if (c.paystack_base_url.rfind("http://", 0) != 0 && c.paystack_base_url.rfind("https://", 0) != 0) {
    throw std::runtime_error("PAYSTACK_BASE_URL must be an http(s) URL");
  }
  c.paystack_secret_key = env_str("PAYSTACK_SECRET_KEY", "");
  c.paystack_timeout = env_ms("PAYSTACK_TIMEOUT_MS", c.paystack_timeout, 100, 120000);
  c.paystack_verify_retry = env_ms("PAYSTACK_VERIFY_RETRY_MS", c.paystack_verify_retry, 10, 3600000);
  c.payment_batch = static_cast<int>(env_int("PAYMENT_BATCH", c.payment_batch, 1, 1000));
  c.payment_poll = env_ms("PAYMENT_POLL_MS", c.payment_poll, 50, 86400000);
  c.payment_retry = env_ms("PAYMENT_RETRY_MS", c.payment_retry, 10, 86400000);
  c.payment_retry_max = env_ms("PAYMENT_RETRY_MAX_MS", c.payment_retry_max, 10, 86400000);
  c.payment_max_attempts = static_cast<int>(env_int("PAYMENT_MAX_ATTEMPTS", c.payment_max_attempts, 1, 100));
  c.payment_claim_timeout = env_ms("PAYMENT_CLAIM_TIMEOUT_MS", c.payment_claim_timeout, 100, 86400000);
  c.payment_start_delay = env_ms("PAYMENT_WORKER_START_DELAY_MS", c.payment_start_delay, 0, 86400000);
  c.payment_stream_heartbeat = env_ms("PAYMENT_STREAM_HEARTBEAT_MS", c.payment_stream_heartbeat, 50, 3600000);
  c.payment_stream_max = env_ms("PAYMENT_STREAM_MAX_MS", c.payment_stream_max, 100, 86400000);
  c.paystack_verify_attempts =
      static_cast<int>(env_int("PAYSTACK_VERIFY_ATTEMPTS", c.paystack_verify_attempts, 1, 100));
  c.checkout_dedupe_window = std::chrono::seconds(env_int("CHECKOUT_DEDUPE_WINDOW_S", 10, 0, 3600));
  c.idempotency_key_ttl = std::chrono::seconds(env_int("IDEMPOTENCY_KEY_TTL_S", 86400, 60, 30 * 86400));
}

// The mail worker and the links in e-mails.
void read_mail(Config& c) {
  constexpr long long kDay = 86400LL * 1000;
  c.brevo_api_key = env_str("BREVO_API_KEY", "");
  c.brevo_base_url = env_str("BREVO_BASE_URL", c.brevo_base_url);
  while (!c.brevo_base_url.empty() && c.brevo_base_url.back() == '/') c.brevo_base_url.pop_back();
  if (c.brevo_base_url.rfind("http", 0) != 0) throw std::runtime_error("BREVO_BASE_URL must be an http(s) URL");
  c.email_from = env_str("EMAIL_FROM", c.email_from);
  c.email_from_name = env_str("EMAIL_FROM_NAME", c.email_from_name);
  c.admin_email = env_str("ADMIN_EMAIL", c.email_from);
  c.unsubscribe_secret = env_str("UNSUBSCRIBE_SECRET", "");
  c.public_api_url = env_str("PUBLIC_API_URL", "");
  while (!c.public_api_url.empty() && c.public_api_url.back() == '/') c.public_api_url.pop_back();
  c.mail_batch = static_cast<int>(env_int("MAIL_BATCH", c.mail_batch, 1, 1000));
  c.mail_poll = env_ms("MAIL_POLL_MS", c.mail_poll, 50, kDay);
  c.mail_retry = env_ms("MAIL_RETRY_MS", c.mail_retry, 10, kDay);
  c.mail_retry_max = env_ms("MAIL_RETRY_MAX_MS", c.mail_retry_max, 10, kDay);
  c.mail_claim_timeout = env_ms("MAIL_CLAIM_TIMEOUT_MS", c.mail_claim_timeout, 100, kDay);
}

// ImageKit: keys, the CDN endpoint and the two API base URLs (tests point
// them at loopback).
void read_imagekit(Config& c) {
  auto url = [](const char* name, std::string fallback) {
    std::string u = env_str(name, std::move(fallback));
    while (!u.empty() && u.back() == '/') u.pop_back();
    if (!u.empty() && u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
      throw std::runtime_error(std::string(name) + " must be an http(s) URL");
    }
    return u;
  };
  c.imagekit_private_key = env_str("IMAGEKIT_PRIVATE_KEY", "");
  c.imagekit_public_key = env_str("IMAGEKIT_PUBLIC_KEY", "");
  c.imagekit_url_endpoint = url("IMAGEKIT_URL_ENDPOINT", "");
  c.imagekit_upload_base_url = url("IMAGEKIT_UPLOAD_BASE_URL", c.imagekit_upload_base_url);
  c.imagekit_api_base_url = url("IMAGEKIT_API_BASE_URL", c.imagekit_api_base_url);
  if (c.imagekit_upload_base_url.empty() || c.imagekit_api_base_url.empty()) {
    throw std::runtime_error("IMAGEKIT_UPLOAD_BASE_URL and IMAGEKIT_API_BASE_URL must be http(s) URLs");
  }
  c.imagekit_timeout = env_ms("IMAGEKIT_TIMEOUT_MS", c.imagekit_timeout, 100, 600000);
  // ImageKit refuses an expiry an hour or more ahead; leave room for clock skew.
  c.imagekit_upload_auth_ttl =
      std::chrono::seconds(env_int("IMAGEKIT_UPLOAD_AUTH_TTL_S", c.imagekit_upload_auth_ttl.count(), 60, 3000));
}

}  // namespace

Config Config::from_env() {
  Config c;
  c.host = env_str("HOST", c.host);
  c.port = static_cast<int>(env_int("PORT", c.port, 0, 65535));
  c.threads = static_cast<int>(env_int("WH_THREADS", 0, 0, 256));
  c.node_env = env_str("NODE_ENV", c.node_env);
  c.read_timeout = std::chrono::seconds(env_int("HTTP_READ_TIMEOUT_S", 30, 1, 3600));
  c.idle_timeout = std::chrono::seconds(env_int("HTTP_IDLE_TIMEOUT_S", 75, 1, 3600));
  c.ws_ping_interval = std::chrono::milliseconds(env_int("WS_PING_INTERVAL_MS", 30000, 200, 3600000));
  c.ws_max_queued_bytes = static_cast<std::size_t>(env_int("WS_MAX_QUEUED_BYTES", 1 << 20, 4096, 1 << 30));
  c.shutdown_grace = std::chrono::seconds(env_int("SHUTDOWN_GRACE_S", 10, 0, 600));
  c.max_header_bytes = static_cast<std::size_t>(env_int("HTTP_MAX_HEADER_BYTES", 16384, 1024, 1 << 20));
  c.max_body_bytes = static_cast<std::size_t>(env_int("HTTP_MAX_BODY_BYTES", 10 << 20, 1024, 100LL << 20));
  c.debug_headers = env_bool("DEBUG_QUERY_HEADERS", false);
  c.access_log = env_bool("ACCESS_LOG", true);
  c.cache_enabled = env_bool("CACHE_ENABLED", true);
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto name = entry.substr(0, entry.find('='));
    if (name.rfind("CACHE_", 0) != 0 || name == "CACHE_ENABLED") continue;
    std::string n(name);
    c.cache_overrides[n] = env_int(n.c_str(), 0, 0, 1LL << 40);
  }
  c.frontend_url = env_str("FRONTEND_URL", c.frontend_url);
  c.shop_time_zone = env_str("SHOP_TIME_ZONE", c.shop_time_zone);
  // An IANA name ("Africa/Accra", "Etc/GMT+1") present in the system's zone
  // database, which PostgreSQL's matches on Debian: a bad one would fail
  // every dashboard statement.
  if (c.shop_time_zone.empty() || c.shop_time_zone.find("..") != std::string::npos ||
      c.shop_time_zone.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
          std::string::npos) {
    throw std::runtime_error("SHOP_TIME_ZONE must be an IANA time zone name such as Africa/Accra");
  }
  auto age = [](const char* name, std::chrono::seconds fallback) {
    return std::chrono::seconds(env_int(name, fallback.count(), 0, 365LL * 86400));
  };
  c.browser_max_age = age("EDGE_BROWSER_MAX_AGE_S", c.browser_max_age);
  c.edge_catalog_max_age = age("EDGE_CATALOG_MAX_AGE_S", c.edge_catalog_max_age);
  c.edge_settings_max_age = age("EDGE_SETTINGS_MAX_AGE_S", c.edge_settings_max_age);
  c.edge_banners_max_age = age("EDGE_BANNERS_MAX_AGE_S", c.edge_banners_max_age);
  c.edge_currency_max_age = age("EDGE_CURRENCY_MAX_AGE_S", c.edge_currency_max_age);
  c.edge_swr = age("EDGE_STALE_WHILE_REVALIDATE_S", c.edge_swr);
  c.edge_sie = age("EDGE_STALE_IF_ERROR_S", c.edge_sie);

  c.database_url = env_str("DATABASE_URL", "");
  c.db_pool_size = static_cast<int>(env_int("DB_POOL_SIZE", 6, 1, 200));
  c.db_acquire_timeout = std::chrono::milliseconds(env_int("DB_ACQUIRE_TIMEOUT_MS", 3000, 10, 120000));
  c.db_connect_timeout = std::chrono::milliseconds(env_int("DB_CONNECT_TIMEOUT_MS", 10000, 100, 120000));
  c.db_statement_timeout = std::chrono::milliseconds(env_int("DB_STATEMENT_TIMEOUT_MS", 5000, 0, 3600000));
  c.db_prepared_statements = env_bool("DB_PREPARED_STATEMENTS", c.db_prepared_statements);
  c.db_connect_retries = static_cast<int>(env_int("DB_CONNECT_RETRIES", 4, 0, 20));
  c.database_transport = env_str("DATABASE_TRANSPORT", c.database_transport);
  if (c.database_transport != "tcp" && c.database_transport != "websocket") {
    throw std::runtime_error("DATABASE_TRANSPORT must be tcp or websocket");
  }
  c.database_ws_url = env_str("DATABASE_WS_URL", "");
  if (!c.database_ws_url.empty() && c.database_ws_url.rfind("wss://", 0) != 0) {
    throw std::runtime_error("DATABASE_WS_URL must be a wss:// URL");
  }
  c.database_ws_ca_file = env_str("DATABASE_WS_CA_FILE", "");
  c.backup_pitr_window = env_str("BACKUP_PITR_WINDOW", "");

  c.jwt_secret = env_str("JWT_SECRET", "");
  c.access_token_ttl = env_duration("JWT_EXPIRES_IN", c.access_token_ttl);
  c.principal_cache_ttl = std::chrono::milliseconds(env_int("PRINCIPAL_CACHE_TTL_MS", 30000, 0, 3600000));
  c.bcrypt_threads = static_cast<int>(env_int("BCRYPT_THREADS", 2, 1, 256));
  c.bcrypt_queue = static_cast<int>(env_int("BCRYPT_QUEUE_MAX", 64, 0, 100000));
  c.revocation_poll = std::chrono::milliseconds(env_int("REVOCATION_POLL_MS", 30000, 50, 3600000));
  c.direct_url = env_str("DIRECT_URL", "");
  c.trusted_proxies_file = env_str("TRUSTED_PROXIES_FILE", "");
  c.trusted_proxies = env_str("TRUSTED_PROXIES", "");
  c.origin_secret = env_str("ORIGIN_SECRET", "");
  c.origin_secret_header = env_str("ORIGIN_SECRET_HEADER", c.origin_secret_header);
  for (auto& ch : c.origin_secret_header) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  c.rate_limit_max = static_cast<int>(env_int("RATE_LIMIT_MAX_REQUESTS", 1000, 1, 100000000));
  c.rate_limit_ipv6_prefix = static_cast<int>(env_int("RATE_LIMIT_IPV6_PREFIX", 64, 32, 128));
  c.rate_limits = env_bool("RATE_LIMITS", true);
  c.cors_origins = env_str("CORS_ORIGINS", "");
  read_mail(c);
  c.metrics_token = env_str("METRICS_TOKEN", "");
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16) {
    throw std::runtime_error("METRICS_TOKEN must be at least 16 characters");
  }
  c.cache_hit_rate_window = std::chrono::seconds(env_int("METRICS_HIT_RATE_WINDOW_S", 300, 1, 86400));
  c.cache_hit_rate_min_lookups = static_cast<int>(env_int("METRICS_HIT_RATE_MIN_LOOKUPS", 200, 1, 100000000));
  c.cache_hit_rate_warn_percent = static_cast<int>(env_int("METRICS_HIT_RATE_WARN_PERCENT", 70, 0, 100));
  c.outbound_ca_file = env_str("OUTBOUND_CA_FILE", "");
  c.outbound_timeout = std::chrono::milliseconds(env_int("OUTBOUND_TIMEOUT_MS", 10000, 100, 600000));
  c.outbound_max_per_host = static_cast<int>(env_int("OUTBOUND_MAX_PER_HOST", 8, 1, 1000));
  c.currency_api_url = env_str("CURRENCY_API_URL", c.currency_api_url);
  if (c.currency_api_url == "off") c.currency_api_url.clear();
  c.currency_api_key = env_str("CURRENCY_API_KEY", "");
  c.currency_refresh =
      std::chrono::milliseconds(env_int("CURRENCY_REFRESH_MS", c.currency_refresh.count(), 1000, 30LL * 86400 * 1000));
  c.currency_retry = std::chrono::milliseconds(env_int("CURRENCY_RETRY_MS", 60000, 100, 86400LL * 1000));
  read_purge(c);
  read_jobs(c);
  read_payments(c);
  read_imagekit(c);
  return c;
}

// Shorter secrets can be guessed by anyone who can reach the origin.
constexpr std::size_t kMinOriginSecret = 32;

std::vector<std::string> Config::production_problems() const {
  std::vector<std::string> out;
  if (!production()) return out;
  if (!origin_secret.empty() && origin_secret.size() < kMinOriginSecret) {
    out.push_back("ORIGIN_SECRET is " + std::to_string(origin_secret.size()) +
                  " characters long: set it to a random value of at least 32 characters");
  } else if (origin_secret.empty() && trusted_proxies.empty() && trusted_proxies_file.empty()) {
    out.push_back(
        "the client IP cannot be trusted: set ORIGIN_SECRET to a random value of at least 32 characters (sent by the "
        "edge in the " +
        origin_secret_header +
        " header), or set TRUSTED_PROXIES to the CIDRs of the proxy in front of this server (TRUSTED_PROXIES_FILE for "
        "a "
        "list in a file)");
  }
  if (!rate_limits) out.push_back("rate limits are off: unset RATE_LIMITS or set RATE_LIMITS=true");
  return out;
}

}  // namespace wh
