#include "accounts/jwt.h"

#include <array>

#include <boost/json.hpp>
#include <chrono>

#include "core/crypto.h"
#include "core/ids.h"

namespace wh::accounts {
namespace json = boost::json;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> b64url_decode(std::string_view in) {
  static const auto table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    for (int k = 0; k < 64; ++k) t[static_cast<unsigned char>(kAlphabet[k])] = k;
    return t;
  }();
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

const std::string& header_b64() {
  static const std::string h = b64url(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

constexpr std::int64_t kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

// An integer claim in [0, max] (nullopt: absent, fractional, negative,
// out of range or not a number).
std::optional<std::int64_t> time_claim(const json::object& o, const char* key, std::int64_t max) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->as_int64() >= 0 && v->as_int64() <= max) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return std::nullopt;
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sign(const Claims& c, std::string_view secret) {
  // Key order as jsonwebtoken writes it: sub, email, role, iat, exp.
  json::object payload;
  payload["sub"] = c.sub;
  if (c.email) payload["email"] = *c.email;
  if (c.role) payload["role"] = *c.role;
  payload["iat"] = c.iat;
  payload["exp"] = c.exp;
  payload["jti"] = c.jti ? *c.jti : random_hex(8);
  if (c.iat_ms) payload["iatMs"] = *c.iat_ms;
  std::string signing_input = header_b64() + "." + b64url(json::serialize(payload));
  return signing_input + "." + b64url(hmac_sha256(secret, signing_input));
}

Verified verify(std::string_view token, std::string_view secret, std::int64_t now) {
  Verified out;
  if (token.size() > 4096) return out;
  auto d1 = token.find('.');
  auto d2 = token.find('.', d1 == std::string_view::npos ? d1 : d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos ||
      token.find('.', d2 + 1) != std::string_view::npos) {
    return out;
  }
  auto header = b64url_decode(token.substr(0, d1));
  auto payload = b64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  if (!header || !payload) return out;

  boost::system::error_code ec;
  auto h = json::parse(*header, ec);
  if (ec || !h.is_object()) return out;
  auto* alg = h.as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") return out;

  // Compare encodings, not decoded bytes: base64url has 4 (or 16) spellings
  // of the same last bytes, and each would otherwise be a fresh token that
  // the revocation list does not know. The length is public.
  std::string expected = b64url(hmac_sha256(secret, token.substr(0, d2)));
  if (!constant_time_equal(token.substr(d2 + 1), expected)) {
    out.error = JwtError::kBadSignature;
    return out;
  }
  auto p = json::parse(*payload, ec);
  if (ec || !p.is_object()) return out;
  const auto& o = p.as_object();
  Claims c;
  auto str = [&](const char* k) -> std::optional<std::string> {
    auto* v = o.if_contains(k);
    if (v != nullptr && v->is_string()) return std::string(v->as_string());
    return std::nullopt;
  };
  auto iat = time_claim(o, "iat", kMaxTime);
  auto exp = time_claim(o, "exp", kMaxTime);
  if (!iat || !exp || *iat > now + kIatClockSkew.count()) return out;
  if (o.if_contains("iatMs") != nullptr) {
    c.iat_ms = time_claim(o, "iatMs", kMaxTime * 1000 + 999);
    if (!c.iat_ms || *c.iat_ms / 1000 != *iat) return out;
  }
  c.sub = str("sub").value_or("");
  c.email = str("email");
  c.role = str("role");
  c.jti = str("jti");
  c.iat = *iat;
  c.exp = *exp;
  if (now >= c.exp) {
    out.error = JwtError::kExpired;
    return out;
  }
  if (c.sub.empty()) {
    out.error = JwtError::kNoSubject;
    return out;
  }
  out.claims = std::move(c);
  return out;
}

}  // namespace wh::accounts
