// One call of Cloudflare's purge API through the server's outbound client:
// POST {base}/zones/{zone}/purge_cache with `Authorization: Bearer <token>`
// and a JSON body (purge_plan.h), and what came of it. Success is a 2xx
// whose JSON says "success": true, nothing else. Never throws.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/task.h"

namespace wh::http {
class OutboundClient;
}

namespace wh::cdn {

struct CloudflareZone {
  std::string api_base_url;  // "https://api.cloudflare.com/client/v4", no trailing '/'
  std::string zone_id;
  std::string api_token;
};

enum class CallResult {
  success,
  rate_limited,     // 429: wait Retry-After
  http_error,       // another non-2xx status (401/403: the token; 5xx: Cloudflare)
  api_error,        // a 2xx that is not {"success": true}
  transport_error,  // no answer: DNS, connect, TLS, timeout
};

// The label value of `r` in wh_cdn_purge_api_calls_total.
std::string_view call_result_name(CallResult r);

struct CallOutcome {
  CallResult result = CallResult::transport_error;
  int status = 0;
  std::optional<std::chrono::milliseconds> retry_after;  // from a 429's Retry-After (delta seconds)
  std::string error;                                     // why it failed, for the log and last_error
};

Task<CallOutcome> call_purge(http::OutboundClient& client, const CloudflareZone& zone, std::string body,
                             std::chrono::milliseconds timeout);

// Retry-After as delta seconds ("30"); nullopt for anything else (an
// HTTP date is not expected from this API).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

}  // namespace wh::cdn
