// HS256 JSON Web Tokens compatible with the old backend's jsonwebtoken use:
// access tokens {sub, email, role, iat, exp}, refresh tokens {sub, iat, exp}.
// We add a random `jti` so that two tokens minted in the same second differ;
// the old backend ignores it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wh::accounts {

struct Claims {
  std::string sub;
  std::optional<std::string> email;
  std::optional<std::string> role;  // absent on refresh tokens
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::optional<std::string> jti;
};

enum class JwtError { kMalformed, kBadSignature, kExpired, kNoSubject };

struct Verified {
  std::optional<Claims> claims;
  JwtError error = JwtError::kMalformed;
  bool ok() const { return claims.has_value(); }
};

// Signs `claims` (iat/exp as given) with HMAC-SHA256.
std::string sign(const Claims& claims, std::string_view secret);
// Checks the header (alg HS256 only), the signature (constant time) and
// expiry against `now` (expired when now >= exp, as jsonwebtoken).
Verified verify(std::string_view token, std::string_view secret, std::int64_t now);

std::int64_t unix_now();

}  // namespace wh::accounts
