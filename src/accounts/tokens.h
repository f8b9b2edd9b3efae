// Issuing access/refresh token pairs and one-time e-mail tokens.
#pragma once
#include <cstdint>
#include <optional>
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
// or 30 d with remember_me. `issued_at_ms` (unix ms) becomes iatMs and iat;
// callers pass the database clock (see db_now_ms_sql) so that it compares
// exactly with users.last_password_change, which that clock also wrote.
TokenPair issue_tokens(const Config& config, const std::string& user_id, const std::string& email,
                       const std::string& role, bool remember_me, std::int64_t issued_at_ms);

// A SQL expression for the database's current time in unix milliseconds,
// rounded as TIMESTAMP(3) columns round, so that "issued after the change"
// survives the rounding: a login later than a change never compares earlier.
#define WH_DB_NOW_MS_SQL "(extract(epoch FROM clock_timestamp()::timestamptz(3)) * 1000)::bigint"

// True when a token issued at `iat` (unix s) / `iat_ms` (unix ms, our tokens)
// predates the password change at `changed_ms` (unix ms; 0 = never). The old
// backend's tokens carry seconds only and are compared to the second, as it
// did itself.
bool issued_before_password_change(std::int64_t iat, std::optional<std::int64_t> iat_ms, std::int64_t changed_ms);

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
