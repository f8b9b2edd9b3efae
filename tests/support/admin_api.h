// Fixture of the admin write API tests: the real server on a fresh copy of
// the seeded database (one per test suite; ctest runs every test in a
// process of its own), signed-in tokens of the seeded admin, super admin
// and a customer, JSON requests, public reads, and cache probes that tell
// whether a write invalidated a tag.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "accounts/auth_test_support.h"
#include "cache/registry.h"

namespace wh::test {

class AdminApi : public ::testing::Test {
 protected:
  using Headers = auth::Headers;

  static void SetUpTestSuite() {
    server_ = std::make_unique<auth::AuthServer>();
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    super_ = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
    customer_ = server_->tokens(server_->verified_customer(), auth::kCustomerPassword).first;
  }
  static void TearDownTestSuite() { server_.reset(); }

  // A request with `token` ("" for none) and `body` (no body when null).
  static HttpResult call(const std::string& method, const std::string& target, const boost::json::value& body,
                         const std::string& token) {
    Headers headers;
    if (!token.empty()) headers = auth::bearer(token);
    return HttpClient(server_->port())
        .request(method, target, body.is_null() ? "" : boost::json::serialize(body), headers);
  }
  // As the seeded admin.
  static HttpResult as_admin(const std::string& method, const std::string& target,
                             const boost::json::value& body = nullptr) {
    return call(method, target, body, admin_);
  }
  // A public GET that must succeed; its body.
  static boost::json::object ok(const std::string& target) {
    auto r = server_->get(target);
    EXPECT_EQ(r.status, 200) << target << " -> " << r.body;
    return r.status == 200 ? r.json().as_object() : boost::json::object{};
  }
  static int status(const std::string& target) { return server_->get(target).status; }

  // 401 without a token and 403 for a customer, before any validation.
  static void expect_admin_only(const std::string& method, const std::string& target) {
    boost::json::value body = method == "GET" ? boost::json::value(nullptr) : boost::json::value(boost::json::object{});
    auto anonymous = call(method, target, body, "");
    EXPECT_EQ(anonymous.status, 401) << method << " " << target << ": " << anonymous.body;
    auto customer = call(method, target, body, customer_);
    EXPECT_EQ(customer.status, 403) << method << " " << target << ": " << customer.body;
    EXPECT_EQ(auth::error_message(customer), "Insufficient permissions");
  }

  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }
  static std::string admin_id() { return server_->user_id(auth::kAdminEmail); }

  // Looks up `tag`'s probe entry in cache instance `instance`, storing it
  // when missing. True when it was there: planted before a write, false
  // after it means the write invalidated `tag` in that instance.
  static bool probe(std::string_view instance, const std::string& tag) {
    auto& registry = server_->app().app().services().get<cache::Registry>();
    cache::ByteCache* c = registry.find(instance);
    EXPECT_NE(c, nullptr) << instance;
    if (c == nullptr) return false;
    bool loaded = false;
    cache::Loader loader = [&loaded, tag]() -> Task<cache::Entry> {
      loaded = true;
      cache::Entry e;
      e.body = "probe";
      e.tags = {tag};
      co_return e;
    };
    boost::asio::io_context io;
    auto done = boost::asio::co_spawn(io, c->get("probe:" + tag, loader), boost::asio::use_future);
    io.run();
    done.get();
    return !loaded;
  }

  // Probes planted before a write, checked after it.
  class Probes {
   public:
    Probes(std::initializer_list<std::pair<std::string, std::string>> instance_tags)
        : Probes(std::vector<std::pair<std::string, std::string>>(instance_tags)) {}
    explicit Probes(std::vector<std::pair<std::string, std::string>> instance_tags)
        : probes_(std::move(instance_tags)) {
      for (const auto& [instance, tag] : probes_) probe(instance, tag);
      for (const auto& [instance, tag] : probes_) EXPECT_TRUE(probe(instance, tag)) << instance << " " << tag;
    }
    void expect_invalidated() const {
      for (const auto& [instance, tag] : probes_) {
        EXPECT_FALSE(probe(instance, tag)) << "not invalidated: " << tag << " in " << instance;
      }
    }

   private:
    std::vector<std::pair<std::string, std::string>> probes_;
  };

  static std::unique_ptr<auth::AuthServer> server_;
  static std::string admin_, super_, customer_;
};

inline std::unique_ptr<auth::AuthServer> AdminApi::server_;
inline std::string AdminApi::admin_, AdminApi::super_, AdminApi::customer_;

// The field errors of a 400 body as {field: message} (the last message per
// field).
inline std::map<std::string, std::string> field_errors(const HttpResult& r) {
  std::map<std::string, std::string> out;
  auto v = r.json();
  const auto* fields = v.at("error").as_object().if_contains("fields");
  if (fields == nullptr) return out;
  for (const auto& f : fields->as_array()) {
    out[std::string(f.at("field").as_string())] = std::string(f.at("message").as_string());
  }
  return out;
}

}  // namespace wh::test
