// Checks of the old backend's JSON value formats, shared by the API tests.
#pragma once
#include <boost/json.hpp>
#include <cctype>
#include <string_view>

namespace wh::test {

// 2025-12-13T10:00:00.123Z
inline bool is_iso_time(const boost::json::value& v) {
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) return false;
  }
  return true;
}

// Prisma Decimal JSON: a string of digits, at most two decimals, no trailing zero.
inline bool is_money(const boost::json::value& v) {
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.empty()) return false;
  for (char c : whole) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  if (dot == std::string_view::npos) return true;
  std::string_view frac = s.substr(dot + 1);
  if (frac.empty() || frac.size() > 2 || frac.back() == '0') return false;
  for (char c : frac) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace wh::test
