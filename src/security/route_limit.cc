#include "security/route_limit.h"

#include "core/error.h"

namespace wh::security {

void enforce_rate_limit(web::Context& ctx, const RatePolicy& policy, std::string_view key, std::string_view message) {
  if (!ctx.config().rate_limits) return;
  auto d = ctx.get<RateLimiter>().take(policy, key);
  ctx.add_header("RateLimit-Policy", d.policy);
  ctx.add_header("RateLimit-Limit", std::to_string(d.limit));
  ctx.add_header("RateLimit-Remaining", std::to_string(d.remaining));
  ctx.add_header("RateLimit-Reset", std::to_string(d.reset_seconds));
  if (!d.allowed) {
    throw ApiError(429, "TooManyRequestsError", std::string(message)).with_retry_after(d.retry_after_seconds);
  }
}

void refund_rate_limit(web::Context& ctx, const RatePolicy& policy, std::string_view key) {
  if (ctx.config().rate_limits) ctx.get<RateLimiter>().refund(policy, key);
}

}  // namespace wh::security
