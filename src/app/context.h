// Everything one request's handler can reach: the parsed request, the path
// parameters, the process services, the caller's identity and a database
// handle that counts the request's statements.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/auth_state.h"
#include "app/services.h"
#include "db/db.h"
#include "http/message.h"
#include "security/rate_limiter.h"

namespace wh::app {

// The outcome of checking the request's bearer token (if any).
struct AuthOutcome {
  bool token_present = false;
  std::string token;
  std::optional<accounts::Principal> principal;  // set when the token is valid
  std::string failure;                           // 401 message when it is not
  std::int64_t expires_at = 0;                   // the token's exp
};

struct Context {
  Context(const http::Request& r, Services& s) : req(r), services(s) {}

  const http::Request& req;
  Services& services;
  std::vector<std::pair<std::string, std::string>> path_params;
  db::QueryStats stats;
  AuthOutcome auth;
  std::optional<security::RateDecision> rate;  // reported in RateLimit-* headers
  http::HeaderList extra_headers;              // added to whatever response is sent

  db::Db db() { return db::Db(*services.pool, &stats); }
  const Config& config() const { return services.config; }
  // The value of `:name` in the matched route pattern ("" when absent).
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : path_params) {
      if (k == name) return v;
    }
    return {};
  }
};

}  // namespace wh::app
