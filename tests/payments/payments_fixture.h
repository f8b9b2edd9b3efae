// Fixture of the payment tests: the orders fixture (real server, scratch
// database, fake Paystack) plus signed Paystack webhooks and orders placed
// through the real checkout, with their reference and total in pesewas.
#pragma once
#include <string>

#include "core/crypto.h"
#include "orders/orders_fixture.h"

namespace wh::test {

class PaymentsApi : public OrdersApi {
 protected:
  // Starts the server with fast payment retries, an ADMIN_EMAIL and `tune`.
  static void start_payments(const std::function<void(Config&)>& tune = {}) {
    start([&](Config& c) {
      c.payment_poll = std::chrono::milliseconds(100);
      c.payment_retry = std::chrono::milliseconds(50);
      c.admin_email = "alerts@wighaven.test";
      if (tune) tune(c);
    });
  }
  static void SetUpTestSuite() { start_payments(); }

  struct Placed {
    std::string number;
    std::string id;
    std::string reference;
    long long total = 0;  // pesewas
    std::string variant;
  };

  // A guest order of `qty` units of variant `nth` (stock set to `stock`).
  static Placed order(const std::string& session, int stock = 10, int qty = 1, int nth = 2,
                      const std::string& email = "payer@example.com") {
    Placed p;
    p.variant = variant(nth);
    set_stock(p.variant, stock);
    guest_cart(session, {{p.variant, qty}});
    auto r = place(session, checkout_body(email));
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return p;
    p.number = order_number(r);
    p.id = order_field(p.number, "id");
    p.reference = order_field(p.number, "paystack_reference");
    p.total = qn("SELECT round(total * 100)::bigint FROM orders WHERE order_number = " + quote(p.number));
    return p;
  }

  static std::string signature(const std::string& body) { return to_hex(hmac_sha512(FakePaystack::kSecret, body)); }

  // A Paystack charge.* event body; `id` is Paystack's transaction id.
  static std::string charge_event(const std::string& event, const std::string& reference, long long amount,
                                  const std::string& currency = "GHS", long long id = 0) {
    json::object data{{"id", id != 0 ? id : static_cast<long long>(std::hash<std::string>{}(event + reference) >> 12)},
                      {"reference", reference},
                      {"amount", amount},
                      {"currency", currency},
                      {"status", event == "charge.success" ? "success" : "failed"},
                      {"channel", "mobile_money"}};
    return json::serialize(json::object{{"event", event}, {"data", data}});
  }

  static HttpResult post_webhook(const std::string& body, const std::string& sig,
                                 const std::string& path = "/webhook/paystack") {
    Headers headers;
    if (!sig.empty()) headers.emplace_back("x-paystack-signature", sig);
    return server_->post_raw(path, body, headers);
  }
  static HttpResult post_signed(const std::string& body) { return post_webhook(body, signature(body)); }

  // Waits until no event of `reference` is queued; returns its results in order.
  static std::string settled_results(const std::string& reference) {
    bool done = auth::wait_until(
        [&] {
          return qn("SELECT count(*) FROM wh_payment_events WHERE status = 'queued' AND reference = " +
                    quote(reference)) == 0;
        },
        std::chrono::milliseconds(5000));
    EXPECT_TRUE(done) << "events of " << reference << " still queued";
    return q("SELECT string_agg(result, ',' ORDER BY received_at, id) FROM wh_payment_events WHERE reference = " +
             quote(reference));
  }

  static long long stock(const std::string& variant_id) {
    return qn("SELECT stock FROM variants WHERE id = " + quote(variant_id));
  }
};

}  // namespace wh::test
