// HS256 JSON Web Tokens compatible with the old backend's jsonwebtoken use:
// access tokens {sub, email, role, iat, exp}, refresh tokens {sub, iat, exp}.
// We add a random `jti` so that two tokens minted in the same second differ,
// and `iatMs`, the issue time in milliseconds, so that a token issued right
// after a password change is told apart from one issued just before it. The
// old backend ignores both.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wh::accounts {

struct Claims {
  std::string sub;
  std::optional<std::string> email;
  std::optional<std::string> role;  // absent on refresh tokens
  std::int64_t iat = 0;             // unix seconds
  std::int64_t exp = 0;             // unix seconds
  std::optional<std::string> jti;
  std::optional<std::int64_t> iat_ms;  // unix milliseconds; absent on the old backend's tokens
};

enum class JwtError { kMalformed, kBadSignature, kExpired, kNoSubject };

struct Verified {
  std::optional<Claims> claims;
  JwtError error = JwtError::kMalformed;
  bool ok() const { return claims.has_value(); }
};

// How far in the future `iat` may lie before a token is refused: room for the
// clocks of several instances (and of the database, whose clock issues our
// `iatMs`) to disagree a little. Beyond it the token was not issued by a
// well-behaved issuer.
inline constexpr std::chrono::seconds kIatClockSkew{60};

// Signs `claims` (iat/exp as given) with HMAC-SHA256.
std::string sign(const Claims& claims, std::string_view secret);

// Accepts only what we or jsonwebtoken issue:
// - header alg HS256; the signature in its one canonical base64url encoding
//   (a re-encoded signature with other unused low bits is refused), compared
//   in constant time;
// - `exp` required, `iat` required; both integers in [0, 253402300799] (year
//   9999); `iatMs`, when present, an integer within the second `iat` names;
// - expired when now >= exp (as jsonwebtoken); refused when iat > now +
//   kIatClockSkew.
Verified verify(std::string_view token, std::string_view secret, std::int64_t now);

std::int64_t unix_now();
std::int64_t unix_now_ms();

}  // namespace wh::accounts
