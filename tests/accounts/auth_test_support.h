// Helpers shared by the accounts and security integration tests: a scratch
// database with the real server on it, JSON requests, JWT decoding and
// signing (the way jsonwebtoken does it), polling, and seed look-ups.
#pragma once
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/test_env.h"

namespace wh::test::auth {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kCustomerPassword = "Customer@123";
constexpr const char* kAdminEmail = "admin@wighaven.local";
constexpr const char* kSuperEmail = "super@wighaven.local";
constexpr const char* kAdminPassword = "Admin@12345";

// ---- base64url / JWT ----------------------------------------------------------

inline std::string b64url_encode(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
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

inline std::string b64url_decode(const std::string& in) {
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      v = ch - '0' + 52;
    else if (ch == '-')
      v = 62;
    else if (ch == '_')
      v = 63;
    else
      throw std::runtime_error("not base64url: " + in);
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// The three dot-separated parts of a JWT.
inline std::vector<std::string> jwt_parts(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

inline json::object jwt_header(const std::string& token) {
  return json::parse(b64url_decode(jwt_parts(token).at(0))).as_object();
}
inline json::object jwt_payload(const std::string& token) {
  return json::parse(b64url_decode(jwt_parts(token).at(1))).as_object();
}

inline std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

// A token as jsonwebtoken 9 signs it: header {"alg":"HS256","typ":"JWT"}, the
// payload serialised as given, HMAC-SHA256 over "header.payload".
inline std::string sign_jwt(const std::string& payload_json, const std::string& secret,
                            const std::string& header_json = R"({"alg":"HS256","typ":"JWT"})") {
  std::string input = b64url_encode(header_json) + "." + b64url_encode(payload_json);
  return input + "." + b64url_encode(hmac_sha256(secret, input));
}

inline std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Old-style access token payload (no jti), key order sub, email, role, iat, exp.
inline std::string access_payload(const std::string& sub, const std::string& email, const std::string& role,
                                  std::int64_t iat, std::int64_t exp) {
  return "{\"sub\":" + json::serialize(json::string(sub)) + ",\"email\":" + json::serialize(json::string(email)) +
         ",\"role\":" + json::serialize(json::string(role)) + ",\"iat\":" + std::to_string(iat) +
         ",\"exp\":" + std::to_string(exp) + "}";
}
inline std::string refresh_payload(const std::string& sub, std::int64_t iat, std::int64_t exp) {
  return "{\"sub\":" + json::serialize(json::string(sub)) + ",\"iat\":" + std::to_string(iat) +
         ",\"exp\":" + std::to_string(exp) + "}";
}

// ---- misc -----------------------------------------------------------------------

inline std::string sql_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

inline Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// Polls `pred` every 25 ms until it is true or `timeout` passes.
inline bool wait_until(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

// iat has one-second resolution: sleeping past the next second boundary
// makes "issued before" strict.
inline void sleep_past_second() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

inline std::string str(const json::value& v) { return std::string(v.as_string()); }

// The error message of an {success:false,error:{message}} body ("" when absent).
inline std::string error_message(const HttpResult& r) {
  try {
    auto v = r.json();
    if (!v.is_object()) return "";
    auto* e = v.as_object().if_contains("error");
    if (e == nullptr || !e->is_object()) return "";
    auto* m = e->as_object().if_contains("message");
    return m != nullptr && m->is_string() ? str(*m) : "";
  } catch (...) {
    return "";
  }
}
inline std::string error_type(const HttpResult& r) {
  try {
    auto v = r.json();
    auto* e = v.as_object().if_contains("error");
    if (e == nullptr || !e->is_object()) return "";
    auto* t = e->as_object().if_contains("type");
    return t != nullptr && t->is_string() ? str(*t) : "";
  } catch (...) {
    return "";
  }
}

// True when the fields array of a 400 body has {field, message}.
inline bool has_field_error(const HttpResult& r, const std::string& field, const std::string& message) {
  auto v = r.json();
  auto* e = v.as_object().if_contains("error");
  if (e == nullptr || !e->is_object()) return false;
  auto* f = e->as_object().if_contains("fields");
  if (f == nullptr || !f->is_array()) return false;
  const json::array& fields = f->as_array();
  for (const auto& item : fields) {
    if (item.at("field") == json::value(field) && item.at("message") == json::value(message)) return true;
  }
  return false;
}

// The value of `name` in a URL's query string ("" when absent).
inline std::string query_value(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  if (q == std::string::npos) return "";
  std::string rest = url.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    std::string pair = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

// ---- the server on a scratch database ---------------------------------------------

// A fresh copy of the seeded template and, on first use, the real server on
// it. Tests may change `config` before the first request.
class AuthServer {
  ScratchDb db_;  // first: `config` is built from its name

 public:
  AuthServer() : config(test_config(db_.name())) {}

  Config config;

  RunningApp& app() {
    if (!app_) app_ = std::make_unique<RunningApp>(config);
    return *app_;
  }
  unsigned short port() { return app().port(); }
  void stop() { app_.reset(); }
  const std::string& db_name() const { return db_.name(); }

  HttpResult get(const std::string& target, const Headers& headers = {}) {
    return HttpClient(port()).get(target, headers);
  }
  HttpResult post(const std::string& target, const json::value& body, const Headers& headers = {}) {
    return HttpClient(port()).request("POST", target, json::serialize(body), headers);
  }
  HttpResult post_raw(const std::string& target, const std::string& body, const Headers& headers = {}) {
    return HttpClient(port()).request("POST", target, body, headers);
  }
  HttpResult me(const std::string& token) { return get("/api/auth/me", bearer(token)); }

  HttpResult login(const std::string& email, const std::string& password, const Headers& headers = {}) {
    return post("/api/auth/login", json::object{{"email", email}, {"password", password}}, headers);
  }
  // Logs in and returns {accessToken, refreshToken}; fails the test otherwise.
  std::pair<std::string, std::string> tokens(const std::string& email, const std::string& password) {
    auto r = login(email, password);
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
    if (r.status != 200) return {};
    auto v = r.json();
    return {str(v.at("data").at("accessToken")), str(v.at("data").at("refreshToken"))};
  }

  std::string q(const std::string& statement) { return sql(db_.name(), statement); }
  long long qn(const std::string& statement) { return std::stoll(q(statement)); }

  std::string user_id(const std::string& email) { return q("SELECT id FROM users WHERE email = " + sql_quote(email)); }

  // A seeded, active, e-mail-verified customer.
  std::string verified_customer(int nth = 0) {
    return q(
        "SELECT email FROM users WHERE role = 'customer' AND email_verified AND is_active"
        " AND email LIKE 'customer%@example.com' ORDER BY email OFFSET " +
        std::to_string(nth) + " LIMIT 1");
  }
  // A seeded customer that has not verified its e-mail (made one if the seed has none).
  std::string unverified_customer() {
    std::string e =
        q("SELECT email FROM users WHERE role = 'customer' AND NOT email_verified AND is_active"
          " AND email LIKE 'customer%@example.com' ORDER BY email LIMIT 1");
    if (!e.empty()) return e;
    e =
        q("SELECT email FROM users WHERE role = 'customer' AND email LIKE 'customer%@example.com'"
          " ORDER BY email DESC LIMIT 1");
    q("UPDATE users SET email_verified = false WHERE email = " + sql_quote(e));
    return e;
  }

  // Waits until the change listener serves /me from the cache (0 statements).
  bool wait_for_warm_cache(const std::string& token,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    return wait_until(
        [&] {
          auto r = me(token);
          return r.status == 200 && r.statements() == 0;
        },
        timeout);
  }

 private:
  std::unique_ptr<RunningApp> app_;
};

}  // namespace wh::test::auth
