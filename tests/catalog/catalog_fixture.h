// Shared fixture for the storefront API tests: the real server, in-process,
// on the read-only seeded catalog database.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/json_checks.h"
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

inline double money(const boost::json::value& v) { return std::stod(std::string(v.as_string())); }
inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace wh::test
