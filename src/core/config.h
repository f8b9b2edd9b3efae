// Process configuration, read once from the environment (12-factor).
// Variable names follow the old Node.js backend where one existed.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace wh {

struct Config {
  // Server
  std::string host = "0.0.0.0";
  int port = 7860;                                        // PORT: HF Spaces default.
  int threads = 0;                                        // WH_THREADS: 0 = one per core.
  std::string node_env = "development";                   // NODE_ENV
  std::chrono::seconds read_timeout{30};                  // HTTP_READ_TIMEOUT_S: per request.
  std::chrono::seconds idle_timeout{75};                  // HTTP_IDLE_TIMEOUT_S: keep-alive idle.
  std::chrono::milliseconds ws_ping_interval{30000};      // WS_PING_INTERVAL_MS: WebSocket pings; 2x silent ends it
  std::size_t ws_max_queued_bytes = 1024 * 1024;          // WS_MAX_QUEUED_BYTES: a slower WebSocket client is dropped
  std::chrono::seconds shutdown_grace{10};                // SHUTDOWN_GRACE_S: drain deadline.
  std::size_t max_header_bytes = std::size_t{16} * 1024;  // HTTP_MAX_HEADER_BYTES
  std::size_t max_body_bytes = std::size_t{10} * 1024 * 1024;  // HTTP_MAX_BODY_BYTES (old: 10mb)
  bool debug_headers = false;                                  // DEBUG_QUERY_HEADERS: X-DB-* response headers.
  bool access_log = true;                                      // ACCESS_LOG: one JSON line per request.
  bool cache_enabled = true;  // CACHE_ENABLED: the response caches (off only to measure without them)
  // CACHE_<INSTANCE>_{TTL_MS,SWR_MS,SIE_MS,BYTES} (e.g. CACHE_PRODUCT_LISTS_TTL_MS):
  // overrides of a response cache's policy, by variable name.
  std::map<std::string, long long> cache_overrides;
  std::string frontend_url = "http://localhost:5173";  // FRONTEND_URL
  std::string shop_time_zone = "Africa/Accra";         // SHOP_TIME_ZONE: the dashboard's days (IANA name)
  // Browser and Cloudflare caching of the public reads (cache/edge_headers.h).
  // Edge freshness comes from purges; the max-ages bound what a lost purge costs.
  std::chrono::seconds browser_max_age{60};          // EDGE_BROWSER_MAX_AGE_S: a browser cannot be purged
  std::chrono::seconds edge_catalog_max_age{86400};  // EDGE_CATALOG_MAX_AGE_S: products and categories
  std::chrono::seconds edge_settings_max_age{600};   // EDGE_SETTINGS_MAX_AGE_S
  std::chrono::seconds edge_banners_max_age{60};     // EDGE_BANNERS_MAX_AGE_S: banners start and end by date
  std::chrono::seconds edge_currency_max_age{3600};  // EDGE_CURRENCY_MAX_AGE_S
  std::chrono::seconds edge_swr{60};                 // EDGE_STALE_WHILE_REVALIDATE_S
  std::chrono::seconds edge_sie{86400};              // EDGE_STALE_IF_ERROR_S: 0 opts out

  // Database
  std::string database_url;                              // DATABASE_URL
  int db_pool_size = 6;                                  // DB_POOL_SIZE
  std::chrono::milliseconds db_acquire_timeout{3000};    // DB_ACQUIRE_TIMEOUT_MS
  std::chrono::milliseconds db_connect_timeout{10000};   // DB_CONNECT_TIMEOUT_MS
  std::chrono::milliseconds db_statement_timeout{5000};  // DB_STATEMENT_TIMEOUT_MS; 0 = off
  int db_connect_retries = 4;                            // DB_CONNECT_RETRIES: Neon cold starts.
  bool db_prepared_statements = true;                    // DB_PREPARED_STATEMENTS: see db/connection.h
  // How libpq reaches the database (http/pg_ws_bridge.h, docs/deploy.md):
  // "tcp", or "websocket" (through wss://<DATABASE_URL host>/v2 on 443, for
  // hosts that may only connect out on 80/443/8080). Applies to every
  // connection: the pool, the change listener (DIRECT_URL), the commands.
  std::string database_transport = "tcp";  // DATABASE_TRANSPORT: tcp | websocket
  std::string database_ws_url;             // DATABASE_WS_URL: wss:// proxy instead (address=host:port is added)
  std::string database_ws_ca_file;         // DATABASE_WS_CA_FILE: extra trusted CAs (PEM), besides the system's
  // BACKUP_PITR_WINDOW: the database's point-in-time restore window as set
  // at Neon ("7 days"), shown by GET /api/super-admin/backup (docs/backup.md).
  std::string backup_pitr_window;

  // Auth
  std::string jwt_secret;                                // JWT_SECRET (>= 32 characters, as the old backend required)
  std::chrono::seconds access_token_ttl{3600};           // JWT_EXPIRES_IN (seconds or 15m/1h/7d)
  std::chrono::seconds refresh_token_ttl{7 * 86400};     // refresh tokens: 7 d
  std::chrono::seconds remember_me_ttl{30 * 86400};      // rememberMe refresh tokens: 30 d
  std::chrono::milliseconds principal_cache_ttl{30000};  // PRINCIPAL_CACHE_TTL_MS
  int bcrypt_threads = 2;                                // BCRYPT_THREADS: password hashing threads
  int bcrypt_queue = 64;                                 // BCRYPT_QUEUE_MAX: waiting beyond those; more get 503
  std::chrono::milliseconds revocation_poll{30000};      // REVOCATION_POLL_MS: incremental revocation load + cleanup

  // Edge and abuse protection
  std::string direct_url;            // DIRECT_URL: session connection for LISTEN (default DATABASE_URL)
  std::string trusted_proxies_file;  // TRUSTED_PROXIES_FILE: CIDR list replacing Cloudflare's ranges
  std::string trusted_proxies;       // TRUSTED_PROXIES: extra CIDRs, comma separated
  std::string origin_secret;         // ORIGIN_SECRET: when set, required on every request but health checks
  std::string origin_secret_header = "x-origin-secret";  // ORIGIN_SECRET_HEADER
  int rate_limit_max = 1000;                             // RATE_LIMIT_MAX_REQUESTS per 15 min per IP (general limit)
  int rate_limit_ipv6_prefix = 64;  // RATE_LIMIT_IPV6_PREFIX: IPv6 clients are limited per network of this size
  bool rate_limits = true;          // RATE_LIMITS: false disables every limit (refused in production)
  std::string cors_origins;         // CORS_ORIGINS: extra allowed origins, comma separated

  // Mail (mail/mail_worker.h, docs/mail.md)
  std::string brevo_api_key;  // BREVO_API_KEY: the mail provider; unset = nothing is sent (rows stay queued)
  std::string brevo_base_url = "https://api.brevo.com/v3";  // BREVO_BASE_URL
  std::string email_from = "noreply@wighaven.com";          // EMAIL_FROM: the sender (verified at Brevo)
  std::string email_from_name = "WigHaven";                 // EMAIL_FROM_NAME
  std::string admin_email;         // ADMIN_EMAIL: where admin alerts go (default EMAIL_FROM, as the old backend)
  std::string unsubscribe_secret;  // UNSUBSCRIBE_SECRET: signs one-click unsubscribe links (default: from JWT_SECRET)
  std::string public_api_url;  // PUBLIC_API_URL: this API's public origin, for links in e-mails (default FRONTEND_URL)
  int mail_batch = 20;         // MAIL_BATCH: rows claimed at a time
  std::chrono::milliseconds mail_poll{30000};            // MAIL_POLL_MS: look for rows without a wake-up
  std::chrono::milliseconds mail_retry{30000};           // MAIL_RETRY_MS: first retry delay (then doubling)
  std::chrono::milliseconds mail_retry_max{1800000};     // MAIL_RETRY_MAX_MS
  std::chrono::milliseconds mail_claim_timeout{120000};  // MAIL_CLAIM_TIMEOUT_MS: a dead worker's rows go again

  // Metrics
  std::string metrics_token;                        // METRICS_TOKEN: bearer token for GET /metrics (>= 16 characters)
  std::chrono::seconds cache_hit_rate_window{300};  // METRICS_HIT_RATE_WINDOW_S: hit-rate warning window
  int cache_hit_rate_min_lookups = 200;             // METRICS_HIT_RATE_MIN_LOOKUPS: fewer in a window: no verdict
  int cache_hit_rate_warn_percent = 70;             // METRICS_HIT_RATE_WARN_PERCENT: warn below this hit rate
  // Outbound HTTP(S): the one client every provider call goes through
  std::string outbound_ca_file;                       // OUTBOUND_CA_FILE: extra trusted CAs (PEM), besides the system's
  std::chrono::milliseconds outbound_timeout{10000};  // OUTBOUND_TIMEOUT_MS: default deadline of one request
  int outbound_max_per_host = 8;                      // OUTBOUND_MAX_PER_HOST: concurrent connections per host

  // Currency rates (refreshed in the background; requests read the database)
  std::string currency_api_url = "https://open.er-api.com/v6/latest/GHS";  // CURRENCY_API_URL; "off" = no refresh
  std::string currency_api_key;                                            // CURRENCY_API_KEY: sent as a bearer token
  std::chrono::milliseconds currency_refresh{6 * 3600 * 1000};             // CURRENCY_REFRESH_MS
  std::chrono::milliseconds currency_retry{60000};  // CURRENCY_RETRY_MS: first retry after a failure (then doubling)

  // Background workers (db/worker_lease.h)
  std::chrono::milliseconds worker_lease_ttl{30000};  // WORKER_LEASE_TTL_MS: a crashed holder is replaced after this

  // Background jobs (jobs/scheduler.h, docs/jobs.md)
  bool jobs_enabled = true;                    // JOBS_ENABLED: false = this instance runs no job
  std::chrono::milliseconds jobs_tick{15000};  // JOBS_TICK_MS: longest sleep between looks at the schedule
  int jobs_history_days = 30;                  // JOBS_HISTORY_DAYS: run history kept
  // JOB_<NAME>_INTERVAL_S (0 = off), JOB_<NAME>_TIMEOUT_S and a job's own
  // JOB_<NAME>_<KNOB> (e.g. JOB_LOW_STOCK_ALERT_THRESHOLD), by variable name.
  std::map<std::string, long long> job_overrides;

  // Cloudflare purge (cdn/purge_worker.h, docs/cloudflare.md). Without the
  // token or the zone, purges are logged instead of sent.
  std::string cloudflare_api_token;                                              // CLOUDFLARE_API_TOKEN
  std::string cloudflare_zone_id;                                                // CLOUDFLARE_ZONE_ID
  std::string cloudflare_api_base_url = "https://api.cloudflare.com/client/v4";  // CLOUDFLARE_API_BASE_URL
  std::string cloudflare_analytics_token;  // CLOUDFLARE_ANALYTICS_TOKEN: Analytics:Read, for the audit's edge hit rate
  std::string cloudflare_purge_mode = "tags";            // CLOUDFLARE_PURGE_MODE: tags | urls | off (no worker here)
  std::string cloudflare_public_base_url;                // CLOUDFLARE_PUBLIC_BASE_URL: URL prefix in urls mode
  int purge_rate_per_min = 5;                            // CLOUDFLARE_PURGE_RATE_PER_MIN: calls a minute (Free plan)
  int purge_burst = 25;                                  // CLOUDFLARE_PURGE_BURST: token-bucket size (Free plan)
  int purge_max_items = 100;                             // CLOUDFLARE_PURGE_MAX_ITEMS: tags or URLs a call
  bool purge_collapse = true;                            // CLOUDFLARE_PURGE_COLLAPSE: short of calls: purge `catalog`
  std::chrono::milliseconds purge_delay{300};            // CLOUDFLARE_PURGE_DELAY_MS: gather a burst after a wake-up
  std::chrono::milliseconds purge_poll{30000};           // CLOUDFLARE_PURGE_POLL_MS: look for rows without a wake-up
  std::chrono::milliseconds purge_retry{1000};           // CLOUDFLARE_PURGE_RETRY_MS: first backoff (then doubling)
  std::chrono::milliseconds purge_retry_max{300000};     // CLOUDFLARE_PURGE_RETRY_MAX_MS
  std::chrono::milliseconds purge_claim_timeout{60000};  // CLOUDFLARE_PURGE_CLAIM_TIMEOUT_MS: a dead worker's rows
  std::chrono::seconds purge_retention{7 * 86400};       // CLOUDFLARE_PURGE_RETENTION: done rows kept (7d, 12h, 3600)

  // Paystack (payments/paystack_client.h, orders/checkout.h). Without the
  // secret key, checkout answers 503 before creating an order.
  std::string paystack_base_url = "https://api.paystack.co";  // PAYSTACK_BASE_URL
  std::string paystack_secret_key;                            // PAYSTACK_SECRET_KEY
  std::chrono::milliseconds paystack_timeout{20000};          // PAYSTACK_TIMEOUT_MS: one charge, verify or refund call
  std::chrono::milliseconds paystack_verify_retry{2000};      // PAYSTACK_VERIFY_RETRY_MS: first background verify retry
  int paystack_verify_attempts = 8;  // PAYSTACK_VERIFY_ATTEMPTS: background verifies (doubling)
  // The webhook queue's worker and the payment stream (payments/payment_worker.h,
  // orders/payment_stream.h, docs/payments.md).
  int payment_batch = 20;                                     // PAYMENT_BATCH: events claimed at a time
  std::chrono::milliseconds payment_poll{5000};               // PAYMENT_POLL_MS: look for events without a wake-up
  std::chrono::milliseconds payment_retry{1000};              // PAYMENT_RETRY_MS: first backoff (then doubling)
  std::chrono::milliseconds payment_retry_max{300000};        // PAYMENT_RETRY_MAX_MS
  int payment_max_attempts = 8;                               // PAYMENT_MAX_ATTEMPTS: then 'failed' + admin alert
  std::chrono::milliseconds payment_claim_timeout{60000};     // PAYMENT_CLAIM_TIMEOUT_MS: a dead worker's events
  std::chrono::milliseconds payment_start_delay{0};           // PAYMENT_WORKER_START_DELAY_MS: before the first claim
  std::chrono::milliseconds payment_stream_heartbeat{15000};  // PAYMENT_STREAM_HEARTBEAT_MS: SSE comment + re-read
  std::chrono::milliseconds payment_stream_max{600000};       // PAYMENT_STREAM_MAX_MS: then the stream closes
  std::chrono::seconds checkout_dedupe_window{10};            // CHECKOUT_DEDUPE_WINDOW_S: same cart+body = same order
  std::chrono::seconds idempotency_key_ttl{86400};            // IDEMPOTENCY_KEY_TTL_S: an Idempotency-Key is kept

  // ImageKit (media/imagekit_client.h, media/image_urls.h). Without the
  // private key, uploads and media moves answer 503.
  std::string imagekit_private_key;   // IMAGEKIT_PRIVATE_KEY: HTTP Basic user; signs client uploads (never logged)
  std::string imagekit_public_key;    // IMAGEKIT_PUBLIC_KEY: sent to browsers for direct uploads
  std::string imagekit_url_endpoint;  // IMAGEKIT_URL_ENDPOINT: https://ik.imagekit.io/<id> (no trailing slash)
  std::string imagekit_upload_base_url = "https://upload.imagekit.io";  // IMAGEKIT_UPLOAD_BASE_URL
  std::string imagekit_api_base_url = "https://api.imagekit.io";        // IMAGEKIT_API_BASE_URL
  std::chrono::milliseconds imagekit_timeout{30000};    // IMAGEKIT_TIMEOUT_MS: one call (a 5 MB upload included)
  std::chrono::seconds imagekit_upload_auth_ttl{1800};  // IMAGEKIT_UPLOAD_AUTH_TTL_S: direct-upload signature life

  // Reads the environment; throws std::runtime_error naming the bad variable.
  static Config from_env();
  bool production() const { return node_env == "production"; }
  bool database_over_websocket() const { return database_transport == "websocket"; }
  // What `serve` must refuse to run with: in production, a client address
  // that cannot be trusted (per-IP limits and the block list would see the
  // platform's proxy, or a spoofed header) and switched-off rate limits.
  // Each entry is one sentence naming the variable to set; empty when fine
  // (always empty outside production).
  std::vector<std::string> production_problems() const;
};

}  // namespace wh
