// Request-independent HTTP policy of the origin: CORS, security headers
// (the old helmet set), the maintenance allow-list and the rate-limit
// policies of the old backend (reference §7).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "http/body_limit.h"
#include "http/message.h"
#include "security/rate_limiter.h"

namespace wh::security {

// Origins allowed to call the API from a browser: FRONTEND_URL,
// http://localhost:3000 and CORS_ORIGINS; any origin in development. Only
// the listed origins are told Access-Control-Allow-Credentials: an origin
// that is merely reflected by the development wildcard could otherwise read
// credentialed responses of anyone who visits it.
class CorsPolicy {
 public:
  explicit CorsPolicy(const Config& config);
  bool allowed(std::string_view origin) const;
  // Listed explicitly (not only let in by the development wildcard).
  bool listed(std::string_view origin) const;
  // Headers for an actual response to an allowed origin.
  void decorate(std::string_view origin, http::Response& res) const;
  // Headers for a public read cached at the edge, alike for every caller
  // (Cloudflare ignores Vary: Origin): any origin may read it, without
  // credentials, which the frontend never sends (tokens go in headers).
  static void decorate_public(http::Response& res);
  // The answer to a preflight (OPTIONS with Access-Control-Request-Method).
  http::Response preflight(std::string_view origin) const;

 private:
  bool any_ = false;
  std::vector<std::string> origins_;
};

// helmet 8's defaults as the old backend configured them (CSP in production).
void add_security_headers(http::Response& res, bool production);

// Paths that stay open while maintenance mode is on (the old allow-list,
// and /notifications, which refuses shoppers itself).
bool maintenance_exempt(std::string_view path);

// Paths the general limiter skips (as the old backend: health, admin areas).
bool general_limit_exempt(std::string_view path);

// Uploads: request bodies that differ from HTTP_MAX_BODY_BYTES (the JSON
// routes' limit), one rule per route.
namespace upload {
inline constexpr std::size_t kCsvFileBytes = std::size_t{5} * 1024 * 1024;  // the product CSV import's file
// Room for the multipart framing around the files: boundaries, part headers
// and small text fields.
inline constexpr std::size_t kFormOverheadBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kCsvFormBytes = kCsvFileBytes + kFormOverheadBytes;
// Images (/api/upload...): 5 MB a file, at most 10 files in a batch.
inline constexpr std::size_t kImageFileBytes = std::size_t{5} * 1024 * 1024;
inline constexpr std::size_t kImageBatchFiles = 10;
inline constexpr std::size_t kImageFormBytes = kImageFileBytes + kFormOverheadBytes;
inline constexpr std::size_t kImageBatchFormBytes = kImageBatchFiles * kImageFileBytes + kFormOverheadBytes;
}  // namespace upload

// The per-path body limits the server applies (http::ServerOptions).
std::vector<http::BodyLimit> body_limits();

// The old backend's limiters.
namespace limits {
RatePolicy general(int max_per_15min);
extern const RatePolicy kRegister;        // 10 / h / IP
extern const RatePolicy kLogin;           // 5 failures / 15 min / IP
extern const RatePolicy kRefresh;         // 10 / h / IP
extern const RatePolicy kPasswordReset;   // 3 / h / e-mail
extern const RatePolicy kResendVerify;    // 3 / h / e-mail
extern const RatePolicy kVerifyEmail;     // 10 / h / IP
extern const RatePolicy kCheckEmail;      // 20 / 15 min / IP
extern const RatePolicy kChangePassword;  // 5 / 24 h / user
}  // namespace limits

}  // namespace wh::security
