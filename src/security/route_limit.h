// Route-level rate limits (the old backend's per-route limiters), taken from
// the process's RateLimiter. With RATE_LIMITS=false they are not applied.
#pragma once
#include <string_view>

#include "security/rate_limiter.h"
#include "web/context.h"

namespace wh::security {

// Takes one token for `key`; throws ApiError 429 with Retry-After and the
// given message when the bucket is empty. The decision is reported in the
// response's RateLimit-* headers.
void enforce_rate_limit(web::Context& ctx, const RatePolicy& policy, std::string_view key, std::string_view message);
// Gives the token back (e.g. the login limiter counts only failures).
void refund_rate_limit(web::Context& ctx, const RatePolicy& policy, std::string_view key);

}  // namespace wh::security
