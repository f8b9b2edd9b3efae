// Issuing access/refresh token pairs and one-time e-mail tokens.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

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

// What blacklisted_tokens.token (VARCHAR(512)) stores for `token`: the token
// itself, as the old backend did, or "sha256:<hex>" when it is too long.
std::string revocation_key(std::string_view token);

// 32 random bytes as hex (sent by e-mail) and its SHA-256 (stored).
struct OneTimeToken {
  std::string raw;
  std::string hash;
};
OneTimeToken new_one_time_token();

}  // namespace wh::accounts
