// Long-lived, process-wide objects the handlers need. Built once by App (or
// a test fixture) and passed by reference: no global singletons.
#pragma once
#include <chrono>
#include <memory>

#include "accounts/auth_state.h"
#include "core/blocking.h"
#include "core/config.h"
#include "security/client_ip.h"
#include "security/http_policy.h"
#include "security/rate_limiter.h"
#include "security/site_state.h"

namespace wh::db {
class Pool;
}

namespace wh::app {

struct Services {
  explicit Services(Config c);

  Config config;
  db::Pool* pool = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  accounts::AuthState auth;
  security::SiteState site;
  security::RateLimiter limiter;
  security::RatePolicy general_limit;  // RATE_LIMIT_MAX_REQUESTS per IP per 15 min
  security::ClientIpPolicy client_ip;
  security::CorsPolicy cors;
  BlockingPool blocking;  // bcrypt and other CPU-heavy work (bounded queue)
};

}  // namespace wh::app
