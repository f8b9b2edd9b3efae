// Fixture of the checkout and order tests: the real server on a fresh copy
// of the seeded database, a fake Paystack on loopback, carts made with SQL
// (the cart routes are not needed to test the checkout), signed-in tokens,
// and the requests of the storefront.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "accounts/auth_test_support.h"
#include "core/ids.h"
#include "support/fake_paystack.h"
#include "support/http_client.h"

namespace wh::test {

namespace json = boost::json;

class OrdersApi : public ::testing::Test {
 protected:
  using Headers = auth::Headers;

  // Starts the server with `tune` applied to its configuration.
  static void start(const std::function<void(Config&)>& tune = {}) {
    paystack_ = std::make_unique<FakePaystack>();
    server_ = std::make_unique<auth::AuthServer>();
    Config& c = server_->config;
    c.paystack_base_url = paystack_->base_url();
    c.paystack_secret_key = FakePaystack::kSecret;
    c.paystack_timeout = std::chrono::milliseconds(3000);
    c.paystack_verify_retry = std::chrono::milliseconds(50);
    c.paystack_verify_attempts = 4;
    if (tune) tune(c);
    server_->app();
  }
  static void SetUpTestSuite() { start(); }
  static void TearDownTestSuite() {
    server_.reset();
    paystack_.reset();
  }

  static std::string q(const std::string& statement) { return server_->q(statement); }
  static long long qn(const std::string& statement) { return server_->qn(statement); }
  static std::string quote(const std::string& s) { return auth::sql_quote(s); }

  // The `nth` active variant of an active product in an active category.
  static std::string variant(int nth = 0) {
    return q(
        "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id JOIN categories c ON c.id = p.category_id"
        " WHERE v.is_active AND p.is_active AND c.is_active ORDER BY v.id OFFSET " +
        std::to_string(nth) + " LIMIT 1");
  }
  static std::string product_of(const std::string& variant_id) {
    return q("SELECT product_id FROM variants WHERE id = " + quote(variant_id));
  }
  static void set_stock(const std::string& variant_id, int stock, int reserved = 0) {
    q("UPDATE variants SET stock = " + std::to_string(stock) + ", reserved_stock = " + std::to_string(reserved) +
      " WHERE id = " + quote(variant_id));
  }
  static long long reserved(const std::string& variant_id) {
    return qn("SELECT reserved_stock FROM variants WHERE id = " + quote(variant_id));
  }

  using Lines = std::vector<std::pair<std::string, int>>;

  // A guest cart for X-Session-ID `session`.
  static void guest_cart(const std::string& session, const Lines& lines, const std::string& coupon = "") {
    std::string cart = new_cuid();
    q("INSERT INTO guest_carts (id, session_id, coupon_code, updated_at) VALUES (" + quote(cart) + ", " +
      quote(session) + ", " + (coupon.empty() ? "NULL" : quote(coupon)) + ", now())");
    for (const auto& [v, n] : lines) {
      q("INSERT INTO guest_cart_items (id, cart_id, variant_id, quantity, updated_at) VALUES (" + quote(new_cuid()) +
        ", " + quote(cart) + ", " + quote(v) + ", " + std::to_string(n) + ", now())");
    }
  }
  // The signed-in user's cart (replacing any).
  static void user_cart(const std::string& user_id, const Lines& lines, const std::string& coupon = "") {
    q("DELETE FROM carts WHERE user_id = " + quote(user_id));
    std::string cart = new_cuid();
    q("INSERT INTO carts (id, user_id, coupon_code, updated_at) VALUES (" + quote(cart) + ", " + quote(user_id) + ", " +
      (coupon.empty() ? "NULL" : quote(coupon)) + ", now())");
    for (const auto& [v, n] : lines) {
      q("INSERT INTO cart_items (id, cart_id, variant_id, quantity, updated_at) VALUES (" + quote(new_cuid()) + ", " +
        quote(cart) + ", " + quote(v) + ", " + std::to_string(n) + ", now())");
    }
  }
  static long long guest_cart_lines(const std::string& session) {
    return qn("SELECT count(*) FROM guest_cart_items i JOIN guest_carts c ON c.id = i.cart_id WHERE c.session_id = " +
              quote(session));
  }
  // A percentage coupon usable `max_uses` times (0 = unlimited).
  static void coupon(const std::string& code, int percent, int max_uses = 0, int per_customer = 1) {
    q("INSERT INTO discount_codes (id, code, type, value, max_uses, used_count, uses_per_customer, starts_at,"
      " expires_at, is_active, updated_at) VALUES (" +
      quote(new_cuid()) + ", " + quote(code) + ", 'percentage', " + std::to_string(percent) + ", " +
      (max_uses > 0 ? std::to_string(max_uses) : "NULL") + ", 0, " + std::to_string(per_customer) +
      ", now() - interval '1 day', now() + interval '1 day', true, now())");
  }
  static long long coupon_uses(const std::string& code) {
    return qn("SELECT used_count FROM discount_codes WHERE code = " + quote(code));
  }

  static json::object checkout_body(const std::string& email = "shopper@example.com",
                                    const std::string& phone = "024 123 4567") {
    json::object address{
        {"name", "Ama Mensah"}, {"address", "12 Ring Road"}, {"city", "Accra"},         {"state", "Greater Accra"},
        {"zip_code", ""},       {"country", "Ghana"},        {"phone", "+233241234567"}};
    return json::object{{"shipping_address", address},
                        {"customer_email", email},
                        {"customer_phone", phone},
                        {"payment_provider", "mtn"}};
  }

  // POST /api/orders as a guest of `session` (or with `token`).
  static HttpResult place(const std::string& session, const json::value& body = checkout_body(), Headers headers = {}) {
    headers.emplace_back("X-Session-ID", session);
    headers.emplace_back("Content-Type", "application/json");
    return HttpClient(server_->port()).request("POST", "/api/orders", json::serialize(body), headers);
  }
  static HttpResult place_as(const std::string& token, const json::value& body = checkout_body(),
                             Headers headers = {}) {
    for (auto& h : auth::bearer(token)) headers.push_back(h);
    headers.emplace_back("Content-Type", "application/json");
    return HttpClient(server_->port()).request("POST", "/api/orders", json::serialize(body), headers);
  }
  static HttpResult call(const std::string& method, const std::string& target, const json::value& body,
                         const std::string& token) {
    Headers headers;
    if (!token.empty()) headers = auth::bearer(token);
    return HttpClient(server_->port()).request(method, target, body.is_null() ? "" : json::serialize(body), headers);
  }
  static std::string order_number(const HttpResult& r) {
    return std::string(r.json().at("data").at("order").at("order_number").as_string());
  }
  static std::string order_field(const std::string& number, const std::string& column) {
    return q("SELECT " + column + " FROM orders WHERE order_number = " + quote(number));
  }
  static std::string token_of(const std::string& email, const std::string& password) {
    return server_->tokens(email, password).first;
  }

  static std::unique_ptr<FakePaystack> paystack_;
  static std::unique_ptr<auth::AuthServer> server_;
};

inline std::unique_ptr<FakePaystack> OrdersApi::paystack_;
inline std::unique_ptr<auth::AuthServer> OrdersApi::server_;

}  // namespace wh::test
