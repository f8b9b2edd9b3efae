// The webhook applied through the queue: replays, amounts, out-of-order
// events, released reservations and oversells (docs/payments.md).
#include "payments_fixture.h"

namespace wh::test {
namespace {

class WebhookApply : public PaymentsApi {
 protected:
  static std::int64_t shop_stock(const std::string& product, const std::string& v) {
    auto doc = server_->get("/api/products/" + product).json();
    for (const auto& x : doc.at("data").at("variants").as_array()) {
      if (x.at("id").as_string() == v) return x.at("stock").as_int64();
    }
    return -1;
  }
};

TEST_F(WebhookApply, SuccessTurnsTheReservationIntoASaleOnceEvenWhenReplayed) {
  auto o = order("session-pay-1", 10, 2);
  ASSERT_EQ(reserved(o.variant), 2);
  const std::string body = charge_event("charge.success", o.reference, o.total);
  auto first = post_signed(body);
  auto again = post_signed(body);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("message"), "Webhook already received");
  EXPECT_EQ(settled_results(o.reference), "paid");
  EXPECT_EQ(order_field(o.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "status"), "processing");
  EXPECT_EQ(order_field(o.number, "payment_method"), "mobile_money");
  EXPECT_EQ(stock(o.variant), 8);
  EXPECT_EQ(reserved(o.variant), 0);
  EXPECT_EQ(q("SELECT string_agg(type || ':' || quantity || ':' || previous_stock || '->' || new_stock, ',')"
              " FROM stock_movements WHERE order_id = " +
              quote(o.id)),
            "sale:-2:10->8");
  // Paystack sending the same event again later changes nothing either.
  auto late = post_signed(charge_event("charge.success", o.reference, o.total, "GHS", 777001));
  EXPECT_EQ(late.status, 200);
  EXPECT_EQ(settled_results(o.reference), "paid,already_settled");
  EXPECT_EQ(stock(o.variant), 8);
}

TEST_F(WebhookApply, SuccessForAnOrderAnOperatorAlreadySoldOnlyRecordsThePayment) {
  auto o = order("session-pay-sold", 10, 2);
  // What an admin's pending -> processing does (reservations.h): the
  // reservation became a sale.
  q("UPDATE variants SET stock = stock - 2, reserved_stock = reserved_stock - 2 WHERE id = " + quote(o.variant));
  q("UPDATE orders SET status = 'processing' WHERE id = " + quote(o.id));
  auto r = post_signed(charge_event("charge.success", o.reference, o.total, "GHS", 777201));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(settled_results(o.reference), "paid");
  EXPECT_EQ(order_field(o.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "status"), "processing");
  EXPECT_EQ(stock(o.variant), 8) << "the units are not taken a second time";
  EXPECT_EQ(reserved(o.variant), 0);
}

// The shopper hears about the payment once: the in-app notification (signed
// in) and the orderConfirmation e-mail, queued with the payment itself;
// replays add nothing, and the orderConfirmationEmail setting turns the
// e-mail off.
TEST_F(WebhookApply, APaidOrderTellsItsShopperOnceByNotificationAndEmail) {
  auto mine = order("session-pay-notice", 10, 2, 2, "notice@example.com");
  const std::string user = q("SELECT id FROM users WHERE role = 'customer' ORDER BY id LIMIT 1");
  q("UPDATE orders SET user_id = " + quote(user) + " WHERE id = " + quote(mine.id));
  post_signed(charge_event("charge.success", mine.reference, mine.total, "GHS", 778001));
  post_signed(charge_event("charge.success", mine.reference, mine.total, "GHS", 778002));
  EXPECT_EQ(settled_results(mine.reference), "paid,already_settled");
  const std::string mail_of =
      "FROM email_logs WHERE type = 'order_confirmation' AND template_data->'variables'->>"
      "'order_number' = ";
  EXPECT_EQ(qn("SELECT count(*) " + mail_of + quote(mine.number) + " AND to_email = 'notice@example.com'"), 1);
  auto vars = boost::json::parse(q("SELECT template_data->'variables' " + mail_of + quote(mine.number))).as_object();
  EXPECT_EQ(q("SELECT template_data->>'template' " + mail_of + quote(mine.number)), "orderConfirmation");
  EXPECT_EQ(*wh::parse_cedis(std::string(vars.at("total").as_string())), mine.total);
  ASSERT_EQ(vars.at("items").as_array().size(), 1u);
  EXPECT_EQ(vars.at("items").as_array()[0].at("quantity").as_int64(), 2);
  EXPECT_NE(std::string(vars.at("tracking_link").as_string()).find("/account/orders/" + mine.number),
            std::string::npos);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE type = 'payment' AND user_id = " + quote(user) +
               " AND link = " + quote("/account/orders/" + mine.number)),
            1);

  auto guest = order("session-pay-notice-guest", 10, 1, 2, "guest+pay@example.com");
  post_signed(charge_event("charge.success", guest.reference, guest.total, "GHS", 778003));
  EXPECT_EQ(settled_results(guest.reference), "paid");
  EXPECT_NE(q("SELECT template_data->'variables'->>'tracking_link' " + mail_of + quote(guest.number))
                .find("/order-confirmation/" + guest.number + "?email=guest%2Bpay%40example.com"),
            std::string::npos);
  EXPECT_EQ(qn("SELECT count(*) FROM notifications WHERE link = " + quote("/account/orders/" + guest.number)), 0)
      << "a guest has no in-app notifications";

  auto quiet = order("session-pay-notice-off", 10, 1, 2, "quiet@example.com");
  const std::string before = q("SELECT value FROM system_settings WHERE key = 'orderConfirmationEmail'");
  q("INSERT INTO system_settings (id, key, value, updated_at) VALUES ('test-order-mail-off', 'orderConfirmationEmail',"
    " 'false', now()) ON CONFLICT (key) DO UPDATE SET value = 'false'");
  post_signed(charge_event("charge.success", quiet.reference, quiet.total, "GHS", 778004));
  EXPECT_EQ(settled_results(quiet.reference), "paid");
  q(before.empty() ? "DELETE FROM system_settings WHERE id = 'test-order-mail-off'"
                   : "UPDATE system_settings SET value = " + quote(before) + " WHERE key = 'orderConfirmationEmail'");
  EXPECT_EQ(qn("SELECT count(*) " + mail_of + quote(quiet.number)), 0);
}

TEST_F(WebhookApply, WrongAmountOrCurrencyIsFlaggedNotPaid) {
  auto o = order("session-pay-2");
  post_signed(charge_event("charge.success", o.reference, o.total - 1, "GHS", 777101));
  post_signed(charge_event("charge.success", o.reference, o.total, "NGN", 777102));
  EXPECT_EQ(settled_results(o.reference), "amount_mismatch,amount_mismatch");
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");
  EXPECT_EQ(reserved(o.variant), 1);
  EXPECT_EQ(qn("SELECT count(*) FROM stock_movements WHERE order_id = " + quote(o.id)), 0);
  EXPECT_NE(order_field(o.number, "notes").find("not marked paid"), std::string::npos);
  EXPECT_GE(qn("SELECT count(*) FROM notifications WHERE type = 'payment_mismatch'"), 1);
  EXPECT_GE(qn("SELECT count(*) FROM email_logs WHERE type = 'admin_payment_mismatch' AND template_data::text LIKE " +
               quote("%" + o.number + "%")),
            1);
}

TEST_F(WebhookApply, FailedThenSuccessIsPaidAndSuccessThenFailedStaysPaid) {
  auto a = order("session-pay-3a");
  post_signed(charge_event("charge.failed", a.reference, a.total));
  EXPECT_EQ(settled_results(a.reference), "failed");
  EXPECT_EQ(order_field(a.number, "payment_status"), "failed");
  EXPECT_EQ(reserved(a.variant), 0);
  post_signed(charge_event("charge.success", a.reference, a.total));
  EXPECT_EQ(settled_results(a.reference), "failed,paid");
  EXPECT_EQ(order_field(a.number, "payment_status"), "paid");

  auto b = order("session-pay-3b");
  post_signed(charge_event("charge.success", b.reference, b.total));
  post_signed(charge_event("charge.failed", b.reference, b.total));
  EXPECT_EQ(settled_results(b.reference), "paid,ignored");
  EXPECT_EQ(order_field(b.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(b.number, "status"), "processing");
}

TEST_F(WebhookApply, SuccessAfterTheReservationWasReleasedReservesAgain) {
  auto o = order("session-pay-4", 5, 2);
  auto product = product_of(o.variant);
  auto cancel = server_->post("/api/orders/" + o.number + "/cancel", json::object{{"email", "payer@example.com"}});
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  ASSERT_EQ(reserved(o.variant), 0);
  EXPECT_EQ(shop_stock(product, o.variant), 5);
  shop_stock(product, o.variant);  // cached now
  post_signed(charge_event("charge.success", o.reference, o.total));
  EXPECT_EQ(settled_results(o.reference), "paid");
  EXPECT_EQ(order_field(o.number, "payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "status"), "processing");
  EXPECT_EQ(stock(o.variant), 3);
  EXPECT_EQ(reserved(o.variant), 0);
  EXPECT_EQ(shop_stock(product, o.variant), 3);  // read-your-writes through the public detail
}

TEST_F(WebhookApply, SuccessWithoutStockMarksRefundPendingAndRefunds) {
  auto o = order("session-pay-5", 3, 2);
  auto cancel = server_->post("/api/orders/" + o.number + "/cancel", json::object{{"email", "payer@example.com"}});
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  set_stock(o.variant, 1);  // sold elsewhere meanwhile
  auto refunds_before = paystack_->calls_to("/refund").size();
  post_signed(charge_event("charge.success", o.reference, o.total));
  EXPECT_EQ(settled_results(o.reference), "refund_pending");
  EXPECT_EQ(order_field(o.number, "payment_status"), "refund_pending");
  EXPECT_EQ(order_field(o.number, "status"), "cancelled");
  EXPECT_EQ(stock(o.variant), 1);
  auto refunds = paystack_->calls_to("/refund");
  ASSERT_EQ(refunds.size(), refunds_before + 1);
  EXPECT_EQ(refunds.back().body.at("transaction"), json::value(o.reference));
  EXPECT_GE(qn("SELECT count(*) FROM notifications WHERE type = 'payment_refund'"), 1);
  EXPECT_EQ(qn("SELECT count(*) FROM email_logs WHERE type = 'order_cancelled_stock' AND to_email = 'payer@example.com'"
               " AND template_data::text LIKE " +
               quote("%" + o.number + "%")),
            1);
  // Paystack's refund.processed settles it.
  json::object data{{"id", 99001}, {"status", "processed"}, {"transaction_reference", o.reference}};
  post_signed(json::serialize(json::object{{"event", "refund.processed"}, {"data", data}}));
  EXPECT_EQ(settled_results(o.reference), "refund_pending,refunded");
  EXPECT_EQ(order_field(o.number, "payment_status"), "refunded");
}

TEST_F(WebhookApply, AdminListsTheQueue) {
  auto o = order("session-pay-6");
  post_signed(charge_event("charge.success", o.reference, o.total));
  settled_results(o.reference);
  auto admin = token_of(auth::kAdminEmail, auth::kAdminPassword);
  auto r = call("GET", "/api/webhooks/paystack/logs?limit=500", nullptr, admin);
  EXPECT_EQ(r.status, 400) << r.body;  // limit is capped at 100
  r = call("GET", "/api/webhooks/paystack/logs?limit=2", nullptr, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto logs = r.json().at("data").as_array();
  ASSERT_LE(logs.size(), 2u);
  ASSERT_GE(logs.size(), 1u);
  EXPECT_EQ(r.json().at("pagination").at("limit"), 2);
  auto customer = token_of(server_->verified_customer(), auth::kCustomerPassword);
  EXPECT_EQ(call("GET", "/api/webhooks/paystack/logs", nullptr, customer).status, 403);
  EXPECT_EQ(call("GET", "/api/webhooks/paystack/logs", nullptr, "").status, 401);
}

}  // namespace
}  // namespace wh::test
