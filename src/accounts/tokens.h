// Issuing access/refresh token pairs and one-time e-mail tokens.
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"

namespace wh::accounts {

struct TokenPair {
  std::string access;
  std::string refresh;
  std::int64_t refresh_expires_at = 0;
};

// Access {sub,email,role} for config.access_token_ttl; refresh {sub} for 7 d,
// or 30 d with remember_me.
TokenPair issue_tokens(const Config& config, const std::string& user_id, const std::string& email,
                       const std::string& role, bool remember_me);

// 32 random bytes as hex (sent by e-mail) and its SHA-256 (stored).
struct OneTimeToken {
  std::string raw;
  std::string hash;
};
OneTimeToken new_one_time_token();

}  // namespace wh::accounts
