#include "accounts/validation.h"

#include <boost/json.hpp>
#include <cctype>

namespace wh::accounts {
namespace json = boost::json;

json::object json_body(const http::Request& req) {
  if (req.body.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec) throw ApiError(400, "SyntaxError", "Request body is not valid JSON");
  if (!v.is_object()) {
    throw ApiError(400, "ValidationError", "Validation failed").with_field("", "\"value\" must be of type object");
  }
  return std::move(v.as_object());
}

std::string normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  std::string out(email);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> BodyReader::string(std::string_view field, bool required,
                                              std::string_view required_message) {
  std::string key(field);
  const json::value* v = body_.if_contains(key);
  if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) {
    if (required) errors_.add(key, std::string(required_message));
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors_.add(key, "\"" + key + "\" must be a string");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

namespace {

bool plausible_email(std::string_view e) {
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at != e.rfind('@')) return false;
  auto domain = e.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) return false;
  if (domain.find("..") != std::string_view::npos || domain.front() == '-' || domain.back() == '.') return false;
  for (char c : e) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> BodyReader::email(std::string_view field) {
  auto raw = string(field, true, "Email is required");
  if (!raw) return std::nullopt;
  std::string e = normalize_email(*raw);
  if (e.size() > 255) {
    errors_.add(std::string(field), "Email must not exceed 255 characters");
    return std::nullopt;
  }
  if (!plausible_email(e)) {
    errors_.add(std::string(field), "Please provide a valid email address");
    return std::nullopt;
  }
  return e;
}

std::optional<std::string> BodyReader::new_password(std::string_view field, std::string_view label) {
  auto p = string(field, true, "Password is required");
  if (!p) return std::nullopt;
  bool ok = true;
  if (p->size() < 8) {
    errors_.add(std::string(field), "Password must be at least 8 characters long");
    ok = false;
  }
  if (p->size() > 72) {
    errors_.add(std::string(field),
                "\"" + std::string(label) + "\" length must be less than or equal to 72 characters long");
    ok = false;
  }
  // The old backend's one pattern, /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[@$!%*?&#])[A-Za-z\d@$!%*?&#]+$/,
  // with its one message. ASCII classes only: std::islower etc. follow the
  // locale.
  bool lower = false, upper = false, digit = false, special = false, other = false;
  for (char c : *p) {
    bool l = c >= 'a' && c <= 'z', u = c >= 'A' && c <= 'Z', d = c >= '0' && c <= '9';
    bool s = c != '\0' && std::string_view("@$!%*?&#").find(c) != std::string_view::npos;
    lower |= l;
    upper |= u;
    digit |= d;
    special |= s;
    other |= !(l || u || d || s);
  }
  if (!(lower && upper && digit && special) || other) {
    errors_.add(std::string(field),
                "Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number, and 1 special "
                "character (@$!%*?&#)");
    ok = false;
  }
  return ok ? p : std::nullopt;
}

std::optional<std::string> BodyReader::password(std::string_view field, std::string_view required_message) {
  auto p = string(field, true, required_message);
  if (!p) return std::nullopt;
  if (p->find('\0') != std::string::npos) {
    errors_.add(std::string(field), "Password must not contain a NUL character");
    return std::nullopt;
  }
  return p;
}

std::optional<std::string> BodyReader::name(std::string_view field) {
  auto n = string(field, true, "This field is required");
  if (!n) return std::nullopt;
  if (n->size() > 100) {
    errors_.add(std::string(field), "Name must not exceed 100 characters");
    return std::nullopt;
  }
  for (char c : *n) {
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == ' ' || c == '-')) {
      errors_.add(std::string(field), "Name can only contain letters, spaces, and hyphens");
      return std::nullopt;
    }
  }
  return n;
}

std::optional<std::string> BodyReader::phone(std::string_view field) {
  auto p = string(field, false, "");
  if (!p) return std::nullopt;
  std::string_view digits = *p;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  bool ok = !digits.empty() && digits.size() <= 15 && digits.front() != '0';
  for (char c : digits) ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok || digits.size() < 2) {
    errors_.add(std::string(field), "Phone must be in E.164 format (e.g., +1234567890)");
    return std::nullopt;
  }
  return p;
}

bool BodyReader::boolean(std::string_view field, bool fallback) {
  const json::value* v = body_.if_contains(std::string(field));
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool()) {
    errors_.add(std::string(field), "\"" + std::string(field) + "\" must be a boolean");
    return fallback;
  }
  return v->as_bool();
}

}  // namespace wh::accounts
