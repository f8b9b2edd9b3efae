// Shared fixture for the storefront API tests: the real server, in-process,
// on the read-only seeded catalog database.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/test_env.h"

namespace wh::test {

class CatalogApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { app_ = std::make_unique<RunningApp>(test_config(catalog_db())); }
  static void TearDownTestSuite() { app_.reset(); }

  HttpResult get(const std::string& target) { return HttpClient(app_->port()).get(target); }
  // GET that must succeed; returns the parsed body.
  boost::json::object ok(const std::string& target) {
    auto r = get(target);
    EXPECT_EQ(r.status, 200) << target << " -> " << r.body;
    auto v = r.json().as_object();
    EXPECT_EQ(v.at("success"), true);
    return v;
  }
  static std::string q(const std::string& statement) { return sql(catalog_db(), statement); }
  static long long qn(const std::string& statement) { return std::stoll(q(statement)); }

  static std::unique_ptr<RunningApp> app_;
};

inline std::unique_ptr<RunningApp> CatalogApi::app_;

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

inline double money(const boost::json::value& v) { return std::stod(std::string(v.as_string())); }
inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace wh::test
