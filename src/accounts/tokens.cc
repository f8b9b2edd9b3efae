#include "accounts/tokens.h"

#include "accounts/jwt.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace wh::accounts {

TokenPair issue_tokens(const Config& config, const std::string& user_id, const std::string& email,
                       const std::string& role, bool remember_me, std::int64_t issued_at_ms) {
  auto now = issued_at_ms / 1000;
  TokenPair out;
  Claims access{user_id, email, role, now, now + config.access_token_ttl.count(), std::nullopt, issued_at_ms};
  out.access = sign(access, config.jwt_secret);
  auto ttl = remember_me ? config.remember_me_ttl : config.refresh_token_ttl;
  Claims refresh{user_id, std::nullopt, std::nullopt, now, now + ttl.count(), std::nullopt, issued_at_ms};
  out.refresh = sign(refresh, config.jwt_secret);
  out.refresh_expires_at = refresh.exp;
  return out;
}

bool issued_before_password_change(std::int64_t iat, std::optional<std::int64_t> iat_ms, std::int64_t changed_ms) {
  if (changed_ms <= 0) return false;
  if (iat_ms) return changed_ms > *iat_ms;
  // floor(changed_ms / 1000): the old backend's parseInt(getTime() / 1000).
  return changed_ms / 1000 > iat;
}

std::string revocation_key(std::string_view token) {
  constexpr std::size_t kColumnWidth = 512;
  return token.size() <= kColumnWidth ? std::string(token) : "sha256:" + sha256_hex(token);
}

OneTimeToken new_one_time_token() {
  OneTimeToken t;
  t.raw = random_hex(32);
  t.hash = sha256_hex(t.raw);
  return t;
}

}  // namespace wh::accounts
