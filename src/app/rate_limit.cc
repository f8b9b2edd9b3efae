#include "app/rate_limit.h"

#include "core/error.h"

namespace wh::app {

void enforce_rate_limit(Context& ctx, const security::RatePolicy& policy, std::string_view key,
                        std::string_view message) {
  if (!ctx.config().rate_limits) return;
  auto d = ctx.services.limiter.take(policy, key);
  ctx.rate = d;
  if (!d.allowed) {
    throw ApiError(429, "TooManyRequestsError", std::string(message)).with_retry_after(d.retry_after_seconds);
  }
}

void refund_rate_limit(Context& ctx, const security::RatePolicy& policy, std::string_view key) {
  if (ctx.config().rate_limits) ctx.services.limiter.refund(policy, key);
}

}  // namespace wh::app
