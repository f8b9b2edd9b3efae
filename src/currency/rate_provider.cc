#include "currency/rate_provider.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace wh::currency {
namespace json = boost::json;

namespace {

constexpr double kMinRate = 0.000001;
constexpr double kMaxRate = 10000.0;

bool is_code(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::optional<std::string> rate_text(const json::value& v) {
  if (!v.is_number()) return std::nullopt;
  double d = v.to_number<double>();
  if (!std::isfinite(d) || d < kMinRate || d >= kMaxRate) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  return std::string(buf);
}

// False when `o[key]` is present and differs from `expected`.
bool field_is(const json::object& o, std::string_view key, const json::value& expected) {
  const auto* v = o.if_contains(key);
  return v == nullptr || *v == expected;
}

}  // namespace

std::optional<RateList> parse_provider_rates(std::string_view body, std::string& why) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    why = "the answer is not a JSON object";
    return std::nullopt;
  }
  const auto& o = doc.as_object();
  if (!field_is(o, "result", "success") || !field_is(o, "success", true)) {
    why = "the provider reported a failure";
    return std::nullopt;
  }
  if (!field_is(o, "base_code", "GHS") || !field_is(o, "base", "GHS")) {
    why = "the rates are not for base GHS";
    return std::nullopt;
  }
  const auto* rates = o.if_contains("rates");
  if (rates == nullptr) rates = o.if_contains("conversion_rates");
  if (rates == nullptr || !rates->is_object()) {
    why = "the answer has no rates object";
    return std::nullopt;
  }
  RateList out;
  for (const auto& [key, value] : rates->as_object()) {
    auto text = rate_text(value);
    if (is_code(key) && key != "GHS" && text) out.emplace_back(std::string(key), std::move(*text));
  }
  std::sort(out.begin(), out.end());
  for (auto code : kSupported) {
    bool found = std::any_of(out.begin(), out.end(), [&](const auto& r) { return r.first == code; });
    if (!found) {
      why = "no usable rate for " + std::string(code);
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace wh::currency
