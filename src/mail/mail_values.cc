#include "mail/mail_values.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>

namespace wh::mail {

namespace mu = kainjow::mustache;
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 10> kMoneyFields{
    "subtotal", "tax", "shipping", "discount", "total", "amount", "price", "refund_amount", "unit_price", "line_total"};
constexpr std::array<std::string_view, 3> kOptionalCharges{"discount", "shipping", "tax"};

std::string number_text(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  double d = v.as_double();
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json::serialize(v);
}

mu::data convert(const json::value& v, std::string_view key);

mu::data convert_object(const json::object& o) {
  mu::data out{mu::data::type::object};
  for (const auto& [k, v] : o) out.set(std::string(k), convert(v, k));
  return out;
}

mu::data convert(const json::value& v, std::string_view key) {
  if (is_money_field(key)) {
    if (auto amount = money_value(v)) {
      bool optional = std::find(kOptionalCharges.begin(), kOptionalCharges.end(), key) != kOptionalCharges.end();
      if (*amount == 0 && optional) return mu::data(false);
      return mu::data(format_ghs(*amount));
    }
  }
  switch (v.kind()) {
    case json::kind::null:
      return mu::data(false);
    case json::kind::bool_:
      return mu::data(v.as_bool());
    case json::kind::string:
      return mu::data(std::string(v.as_string()));
    case json::kind::object:
      return convert_object(v.as_object());
    case json::kind::array: {
      mu::data list{mu::data::type::list};
      for (const auto& item : v.as_array()) list.push_back(convert(item, ""));
      return list;
    }
    default:
      return mu::data(number_text(v));
  }
}

}  // namespace

std::string format_ghs(Pesewas amount) {
  std::string digits = std::to_string(std::llabs(amount / 100));
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  Pesewas cents = std::llabs(amount % 100);
  std::string out = amount < 0 ? "-" : "";
  out += "GH\u20B5 " + grouped + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
  return out;
}

bool is_money_field(std::string_view name) {
  return std::find(kMoneyFields.begin(), kMoneyFields.end(), name) != kMoneyFields.end();
}

std::optional<Pesewas> money_value(const json::value& v) {
  if (v.is_int64()) return v.as_int64() * 100;
  if (v.is_uint64()) return static_cast<Pesewas>(v.as_uint64()) * 100;
  if (v.is_double()) return static_cast<Pesewas>(std::llround(v.as_double() * 100.0));
  if (v.is_string()) {
    std::string_view s = v.as_string();
    bool negative = !s.empty() && s.front() == '-';
    if (negative) s.remove_prefix(1);
    auto p = parse_cedis(s);
    if (!p) return std::nullopt;
    return negative ? -*p : *p;
  }
  return std::nullopt;
}

mu::data template_data(const json::object& variables) { return convert_object(variables); }

}  // namespace wh::mail
