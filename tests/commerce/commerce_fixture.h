// Fixture of the cart, address and discount API tests: the real server on a
// fresh copy of the seeded database (one per test: ctest runs each test in a
// process of its own), tokens of the seeded admin and two customers, and
// requests that carry a token and/or an X-Session-ID. Variants are given
// known prices and stock by SQL before use.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <utility>

#include "accounts/auth_test_support.h"
#include "support/http_client.h"

namespace wh::test {

namespace json = boost::json;

class CommerceApi : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    server_ = std::make_unique<auth::AuthServer>();
    admin_ = server_->tokens(auth::kAdminEmail, auth::kAdminPassword).first;
    customer_email_ = server_->verified_customer(0);
    customer_ = server_->tokens(customer_email_, auth::kCustomerPassword).first;
    other_ = server_->tokens(server_->verified_customer(1), auth::kCustomerPassword).first;
  }
  static void TearDownTestSuite() { server_.reset(); }

  // `body`: JSON text ("" for none). `token`, `session`: "" for none.
  static HttpResult raw(const std::string& method, const std::string& target, const std::string& body,
                        const std::string& token = "", const std::string& session = "",
                        const std::string& content_type = "application/json") {
    auth::Headers headers;
    if (!token.empty()) headers = auth::bearer(token);
    if (!session.empty()) headers.emplace_back("X-Session-ID", session);
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    return HttpClient(server_->port()).request(method, target, body, headers);
  }
  static HttpResult call(const std::string& method, const std::string& target, const json::value& body = nullptr,
                         const std::string& token = "", const std::string& session = "") {
    return raw(method, target, body.is_null() ? "" : json::serialize(body), token, session);
  }
  // The `data` of a response that must have `status`.
  static json::value data(const HttpResult& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body;
    if (r.status != status) return nullptr;
    auto v = r.json().as_object();
    EXPECT_EQ(v.at("success"), true) << r.body;
    return v.contains("data") ? v.at("data") : json::value(nullptr);
  }
  // The cart inside a cart response.
  static json::object cart(const HttpResult& r, int status = 200) {
    auto d = data(r, status);
    if (!d.is_object() || !d.as_object().contains("cart")) return {};
    return d.at("cart").as_object();
  }
  static json::object get_cart(const std::string& token, const std::string& session = "") {
    return cart(call("GET", "/api/cart", nullptr, token, session));
  }
  static HttpResult add(const std::string& variant, int quantity, const std::string& token,
                        const std::string& session = "") {
    return call("POST", "/api/cart/items", json::object{{"variantId", variant}, {"quantity", quantity}}, token,
                session);
  }

  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }
  static std::string quote(const std::string& s) { return auth::sql_quote(s); }
  static std::string user_id(const std::string& email) { return server_->user_id(email); }

  // The `nth` active variant of an active product, set to `price` (GHS),
  // `stock` and `reserved` units reserved; the product's base price is 999.
  static std::string variant(int nth, const std::string& price = "50.00", int stock = 100, int reserved = 0) {
    std::string id =
        q("SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE v.is_active AND p.is_active"
          " ORDER BY v.id OFFSET " +
          std::to_string(nth) + " LIMIT 1");
    q("UPDATE variants SET price = " + price + ", stock = " + std::to_string(stock) +
      ", reserved_stock = " + std::to_string(reserved) + " WHERE id = " + quote(id));
    q("UPDATE products SET base_price = 999 WHERE id = (SELECT product_id FROM variants WHERE id = " + quote(id) + ")");
    return id;
  }
  // A discount code valid now.
  static void discount(const std::string& code, const std::string& type, const std::string& value,
                       const std::string& minimum = "NULL", int per_customer = 1) {
    q("INSERT INTO discount_codes (id, code, type, value, minimum_purchase, uses_per_customer, starts_at,"
      " expires_at, updated_at) VALUES ('d" +
      code + "', " + quote(code) + ", " + quote(type) + ", " + value + ", " + minimum + ", " +
      std::to_string(per_customer) + ", now() - interval '1 day', now() + interval '1 day', now())");
  }

  static std::unique_ptr<auth::AuthServer> server_;
  static std::string admin_, customer_, customer_email_, other_;
};

inline std::unique_ptr<auth::AuthServer> CommerceApi::server_;
inline std::string CommerceApi::admin_, CommerceApi::customer_, CommerceApi::customer_email_, CommerceApi::other_;

inline double num(const json::value& v) { return v.to_number<double>(); }
inline std::string str(const json::value& v) { return std::string(v.as_string()); }

}  // namespace wh::test
