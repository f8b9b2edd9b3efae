#include "orders/checkout_input.h"

#include "core/error.h"
#include "payments/paystack_client.h"
#include "web/body_fields.h"

namespace wh::orders {
namespace json = boost::json;

namespace {

// Joi's pattern /^\+?[\d\s-]{10,20}$/ (JavaScript's \s: ASCII whitespace here).
bool relaxed_phone(std::string_view v) {
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  if (v.size() < 10 || v.size() > 20) return false;
  for (char c : v) {
    bool digit = c >= '0' && c <= '9';
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!digit && !space && c != '-') return false;
  }
  return true;
}

std::string quoted(std::string_view path) { return "\"" + std::string(path) + "\""; }

// Joi string(): required non-empty string (or optional, when absent).
std::optional<std::string> string_field(const json::object& o, std::string_view key, const std::string& path,
                                        bool required, ValidationErrors& errors) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) errors.add(path, quoted(path) + " is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors.add(path, quoted(path) + " must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (s.find('\0') != std::string::npos) {
    errors.add(path, quoted(path) + " contains an invalid character");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> non_empty(const json::object& o, std::string_view key, const std::string& path,
                                     bool required, ValidationErrors& errors, std::size_t max = 255) {
  auto s = string_field(o, key, path, required, errors);
  if (!s) return s;
  if (s->empty()) {
    errors.add(path, quoted(path) + " is not allowed to be empty");
    return std::nullopt;
  }
  if (web::char_count(*s) > max) {
    errors.add(path,
               quoted(path) + " length must be less than or equal to " + std::to_string(max) + " characters long");
    return std::nullopt;
  }
  return s;
}

bool relaxed_phone_ok(const std::string& path, const std::string& value, ValidationErrors& errors) {
  if (relaxed_phone(value)) return true;
  errors.add(path, quoted(path) + " with value " + quoted(value) +
                       " fails to match the required pattern: /^\\+?[\\d\\s-]{10,20}$/");
  return false;
}

// Joi's addressSchema; nullopt after an error.
std::optional<json::object> address(const json::object& body, std::string_view key, bool required,
                                    ValidationErrors& errors) {
  std::string base(key);
  const auto* v = body.if_contains(key);
  if (v == nullptr) {
    if (required) errors.add(base, quoted(base) + " is required");
    return std::nullopt;
  }
  if (!v->is_object()) {
    errors.add(base, quoted(base) + " must be of type object");
    return std::nullopt;
  }
  const auto& a = v->as_object();
  json::object out;
  bool ok = true;
  for (const char* f : {"name", "address", "city", "state", "country"}) {
    auto s = non_empty(a, f, base + "." + f, true, errors);
    if (s) {
      out[f] = *s;
    } else {
      ok = false;
    }
  }
  auto zip = string_field(a, "zip_code", base + ".zip_code", false, errors);
  if (zip && web::char_count(*zip) > 20) {
    errors.add(base + ".zip_code", "\"" + base + ".zip_code\" length must be less than or equal to 20 characters long");
    ok = false;
  } else if (zip) {
    out["zip_code"] = *zip;
  } else if (a.contains("zip_code")) {
    ok = false;
  }
  auto phone = non_empty(a, "phone", base + ".phone", true, errors);
  if (phone && relaxed_phone_ok(base + ".phone", *phone, errors)) {
    out["phone"] = *phone;
  } else {
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

bool plausible_email(std::string_view e) {
  if (e.empty() || e.size() > 255) return false;
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) return false;
  auto domain = e.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  for (char c : e) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>' || c == ',') return false;
  }
  return domain.find("..") == std::string_view::npos;
}

CheckoutInput read_checkout(const json::object& body) {
  ValidationErrors errors;
  CheckoutInput in;
  auto shipping = address(body, "shipping_address", true, errors);
  auto billing = address(body, "billing_address", false, errors);
  if (shipping) in.shipping_address = *shipping;
  in.billing_address = billing ? *billing : in.shipping_address;

  if (auto email = non_empty(body, "customer_email", "customer_email", true, errors)) {
    if (plausible_email(*email)) {
      in.customer_email = *email;
    } else {
      errors.add("customer_email", "\"customer_email\" must be a valid email");
    }
  }
  if (auto phone = non_empty(body, "customer_phone", "customer_phone", true, errors)) {
    if (relaxed_phone_ok("customer_phone", *phone, errors)) {
      in.customer_phone = payments::normalise_ghana_phone(*phone);
      if (in.customer_phone.empty()) {
        errors.add("customer_phone", "Invalid Ghana phone number format. Use 0XXXXXXXXX or +233XXXXXXXXX");
      }
    }
  }
  if (auto provider = string_field(body, "payment_provider", "payment_provider", false, errors)) {
    if (*provider == "mtn" || *provider == "vod" || *provider == "tgo") {
      in.payment_provider = *provider;
    } else {
      errors.add("payment_provider", "\"payment_provider\" must be one of [mtn, vod, tgo]");
    }
  } else if (!body.contains("payment_provider")) {
    errors.add("payment_provider", "Payment provider is required (mtn, vod, or tgo)");
  }
  if (auto notes = string_field(body, "notes", "notes", false, errors)) {
    if (web::char_count(*notes) > 500) {
      errors.add("notes", "\"notes\" length must be less than or equal to 500 characters long");
    } else if (!notes->empty()) {
      in.notes = *notes;
    }
  }
  errors.throw_if_any();
  return in;
}

}  // namespace wh::orders
