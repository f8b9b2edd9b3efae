#include "security/http_policy.h"

namespace wh::security {

CorsPolicy::CorsPolicy(const Config& config) : any_(config.node_env == "development") {
  origins_.push_back(config.frontend_url);
  origins_.emplace_back("http://localhost:3000");
  std::string_view extra = config.cors_origins;
  while (!extra.empty()) {
    auto comma = extra.find(',');
    auto item = extra.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) origins_.emplace_back(item);
    extra = comma == std::string_view::npos ? std::string_view() : extra.substr(comma + 1);
  }
}

bool CorsPolicy::allowed(std::string_view origin) const { return any_ || listed(origin); }

bool CorsPolicy::listed(std::string_view origin) const {
  for (const auto& o : origins_) {
    if (o == origin) return true;
  }
  return false;
}

namespace {
constexpr std::string_view kExposeHeaders =
    "X-Session-ID, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After";
}  // namespace

void CorsPolicy::decorate(std::string_view origin, http::Response& res) const {
  res.set_header("Access-Control-Allow-Origin", std::string(origin));
  if (listed(origin)) res.set_header("Access-Control-Allow-Credentials", "true");
  res.set_header("Access-Control-Expose-Headers", http::Bytes::literal(kExposeHeaders));
  res.set_header("Vary", "Origin");
}

void CorsPolicy::decorate_public(http::Response& res) {
  res.set_header("Access-Control-Allow-Origin", http::Bytes::literal("*"));
  res.erase_header("Access-Control-Allow-Credentials");
  res.set_header("Access-Control-Expose-Headers", http::Bytes::literal(kExposeHeaders));
}

http::Response CorsPolicy::preflight(std::string_view origin) const {
  http::Response res;
  res.status = 204;
  res.content_type = "text/plain";
  decorate(origin, res);
  res.set_header("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS");
  res.set_header("Access-Control-Allow-Headers",
                 "Content-Type,Authorization,X-Session-ID,X-Paystack-Signature,x-auth-token,x-forwarded-auth,"
                 "x-request-id,cache-control,pragma");
  res.set_header("Access-Control-Max-Age", "86400");
  return res;
}

// The values are literals, referenced rather than copied (Bytes::literal):
// no allocation per response for the longer ones.
void add_security_headers(http::Response& res, bool production) {
  if (production) {
    res.set_header("Content-Security-Policy",
                   http::Bytes::literal(
                       "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';"
                       "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';"
                       "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"));
  }
  res.set_header("Cross-Origin-Opener-Policy", http::Bytes::literal("same-origin"));
  res.set_header("Cross-Origin-Resource-Policy", http::Bytes::literal("same-origin"));
  res.set_header("Origin-Agent-Cluster", http::Bytes::literal("?1"));
  res.set_header("Referrer-Policy", http::Bytes::literal("no-referrer"));
  res.set_header("Strict-Transport-Security", http::Bytes::literal("max-age=31536000; includeSubDomains; preload"));
  res.set_header("X-Content-Type-Options", http::Bytes::literal("nosniff"));
  res.set_header("X-DNS-Prefetch-Control", http::Bytes::literal("off"));
  res.set_header("X-Download-Options", http::Bytes::literal("noopen"));
  res.set_header("X-Frame-Options", http::Bytes::literal("SAMEORIGIN"));
  res.set_header("X-Permitted-Cross-Domain-Policies", http::Bytes::literal("none"));
  res.set_header("X-XSS-Protection", http::Bytes::literal("0"));
}

namespace {
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
}  // namespace

bool maintenance_exempt(std::string_view path) {
  for (std::string_view exact :
       {"/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/me", "/api/settings/public", "/api/cart",
        "/api/products/categories", "/healthz", "/readyz", "/gateway-health", "/", "/webhook/paystack",
        "/api/webhooks/paystack", "/notifications"}) {
    if (path == exact) return true;
  }
  for (std::string_view prefix : {"/api/currency", "/api/health", "/api/super-admin", "/api/admin"}) {
    if (starts_with(path, prefix)) return true;
  }
  return false;
}

bool general_limit_exempt(std::string_view path) {
  return path == "/api/health" || path == "/healthz" || path == "/readyz" || path == "/gateway-health" ||
         path == "/webhook/paystack" || path == "/api/webhooks/paystack" || starts_with(path, "/api/admin") ||
         starts_with(path, "/api/super-admin");
}

std::vector<http::BodyLimit> body_limits() {
  return {{"/api/admin/products/bulk-upload", upload::kCsvFormBytes},
          {"/api/upload", upload::kImageFormBytes},
          {"/api/upload/batch", upload::kImageBatchFormBytes}};
}

namespace limits {
using std::chrono::hours;
using std::chrono::minutes;
RatePolicy general(int max_per_15min) { return {"general", max_per_15min, minutes(15)}; }
const RatePolicy kRegister{"register", 10, hours(1)};
const RatePolicy kLogin{"login", 5, minutes(15)};
const RatePolicy kRefresh{"refresh", 10, hours(1)};
const RatePolicy kPasswordReset{"password-reset", 3, hours(1)};
const RatePolicy kResendVerify{"resend-verification", 3, hours(1)};
const RatePolicy kVerifyEmail{"verify-email", 10, hours(1)};
const RatePolicy kCheckEmail{"check-email", 20, minutes(15)};
const RatePolicy kChangePassword{"change-password", 5, hours(24)};
}  // namespace limits

}  // namespace wh::security
