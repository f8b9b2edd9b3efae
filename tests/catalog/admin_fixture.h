// Shared fixture for the admin catalog write tests: the real server on a
// fresh copy of the seeded database (never the shared read-only catalog),
// signed in as admin, super admin and customer, with JSON requests and
// look-ups of suitable seeded rows.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "accounts/auth_test_support.h"
#include "cache/instances.h"
#include "cache/registry.h"
#include "catalog/catalog_fixture.h"
#include "support/http_client.h"
#include "support/json_checks.h"

namespace wh::test {

namespace json = boost::json;

class AdminCatalog : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    server_ = std::make_unique<auth::AuthServer>();
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    super_ = server_->tokens(auth::kSuperEmail, auth::kAdminPassword).first;
    customer_ = server_->tokens(server_->verified_customer(), auth::kCustomerPassword).first;
  }
  static void TearDownTestSuite() { server_.reset(); }

  // A request with a raw body ("" for none) and a bearer token ("" for none).
  static HttpResult raw(const std::string& method, const std::string& target, const std::string& body,
                        const std::string& token) {
    auth::Headers headers;
    if (!token.empty()) headers = auth::bearer(token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return HttpClient(server_->port()).request(method, target, body, headers);
  }
  // A request as the admin with a JSON body (none when null).
  static HttpResult call(const std::string& method, const std::string& target, const json::value& body = nullptr) {
    return raw(method, target, body.is_null() ? "" : json::serialize(body), admin_);
  }
  // The `data` of a request that must answer `status`.
  static json::value data(const HttpResult& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    if (r.status != status) return nullptr;
    auto v = r.json().as_object();
    EXPECT_EQ(v.at("success"), true);
    return v.contains("data") ? v.at("data") : json::value(nullptr);
  }
  // A public GET (no token).
  static HttpResult pub(const std::string& target) { return raw("GET", target, "", ""); }

  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }
  static std::string quote(const std::string& s) { return auth::sql_quote(s); }

  // An active product (in a category that is active) none of whose variants
  // was ever ordered, with at least `variants` active variants; `nth` picks
  // a different one.
  static std::string unordered_product(int nth = 0, int variants = 1) {
    return q(
        "SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id"
        " WHERE p.is_active AND c.is_active AND NOT EXISTS (SELECT 1 FROM order_items oi JOIN variants v"
        " ON v.id = oi.variant_id WHERE v.product_id = p.id)"
        " AND (SELECT count(*) FROM variants v WHERE v.product_id = p.id AND v.is_active) >= " +
        std::to_string(variants) + " ORDER BY p.id OFFSET " + std::to_string(nth) + " LIMIT 1");
  }
  // An active product one of whose variants was ordered.
  static std::string ordered_product() {
    return q(
        "SELECT p.id FROM products p WHERE p.is_active AND EXISTS (SELECT 1 FROM order_items oi JOIN variants v"
        " ON v.id = oi.variant_id WHERE v.product_id = p.id) ORDER BY p.id LIMIT 1");
  }
  // The `nth` active variant of `product` in creation order.
  static std::string variant_of(const std::string& product, int nth = 0) {
    return q("SELECT id FROM variants WHERE is_active AND product_id = " + quote(product) +
             " ORDER BY created_at, id OFFSET " + std::to_string(nth) + " LIMIT 1");
  }
  static std::string category_id() { return q("SELECT id FROM categories WHERE is_active ORDER BY name LIMIT 1"); }

  // Looks `key` up in the server's cache instance `instance`, storing an
  // entry tagged `tag` when it is missing (as the storefront's cache stage
  // does on a read). Returns whether the key was there.
  static bool cached(std::string_view instance, const std::string& key, const std::string& tag) {
    auto& registry = server_->app().app().services().get<cache::Registry>();
    cache::ByteCache* c = registry.find(instance);
    EXPECT_NE(c, nullptr) << instance;
    bool loaded = false;
    auto loader = [&loaded, tag]() -> Task<cache::Entry> {
      loaded = true;
      cache::Entry e;
      e.body = "{}";
      e.tags = {tag};
      co_return e;
    };
    boost::asio::io_context io;
    auto done = boost::asio::co_spawn(io, c->get(key, loader), boost::asio::use_future);
    io.run();
    done.get();
    return !loaded;
  }

  // The fields[] of a 400 contain {field, message}.
  static bool has_field(const HttpResult& r, const std::string& field, const std::string& message) {
    return auth::has_field_error(r, field, message);
  }
  // The fields[] of a 400 name `field`.
  static bool names_field(const HttpResult& r, const std::string& field) {
    auto v = r.json();
    const auto* fields = v.as_object().at("error").as_object().if_contains("fields");
    if (fields == nullptr) return false;
    for (const auto& f : fields->as_array()) {
      if (f.at("field") == json::value(field)) return true;
    }
    return false;
  }

  static std::unique_ptr<auth::AuthServer> server_;
  static std::string admin_, super_, customer_;
};

inline std::unique_ptr<auth::AuthServer> AdminCatalog::server_;
inline std::string AdminCatalog::admin_;
inline std::string AdminCatalog::super_;
inline std::string AdminCatalog::customer_;

}  // namespace wh::test
