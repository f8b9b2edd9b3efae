// POST /api/orders/:n/verify-payment: who may ask, and the answer applied
// as the webhook would.
#include "payments_fixture.h"

namespace wh::test {
namespace {

class VerifyPayment : public PaymentsApi {};

TEST_F(VerifyPayment, OnlyTheOwnerTheGuestEmailOrAnAdminMayVerify) {
  auto o = order("session-verify-1", 10, 1, 2, "owner.guest@example.com");
  auto customer = token_of(server_->verified_customer(), auth::kCustomerPassword);
  const std::string path = "/api/orders/" + o.number + "/verify-payment";
  auto calls_before = paystack_->calls_to("/transaction/verify/").size();
  EXPECT_EQ(call("POST", path, nullptr, customer).status, 403);
  EXPECT_EQ(call("POST", path, nullptr, "").status, 403);
  EXPECT_EQ(call("POST", path, json::object{{"email", "someone@example.com"}}, "").status, 403);
  EXPECT_EQ(call("POST", "/api/orders/ORD-19990101-ABCDEF/verify-payment", nullptr, customer).status, 404);
  EXPECT_EQ(paystack_->calls_to("/transaction/verify/").size(), calls_before);  // nobody asked Paystack

  paystack_->script_verify({FakePaystack::verify_status("pending")});
  auto pending = call("POST", path + "?email=Owner.Guest@example.com", nullptr, "");
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(pending.json().at("verification").at("status"), "pending");
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");

  auto admin = token_of(auth::kAdminEmail, auth::kAdminPassword);
  paystack_->script_verify({FakePaystack::verify_paid(o.total)});
  auto paid = call("POST", path, nullptr, admin);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json().at("message"), "Payment verified successfully");
  EXPECT_EQ(paid.json().at("data").at("order").at("payment_status"), "paid");
  EXPECT_EQ(order_field(o.number, "payment_status"), "paid");
  EXPECT_EQ(stock(o.variant), 9);
  auto again = call("POST", path, json::object{{"email", "owner.guest@example.com"}}, "");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("message"), "Order is already marked as paid");
  EXPECT_EQ(stock(o.variant), 9);
}

TEST_F(VerifyPayment, AWrongAmountIsNotPaidAndNoAnswerIs503) {
  auto o = order("session-verify-2", 10, 1, 2, "verify2@example.com");
  const std::string path = "/api/orders/" + o.number + "/verify-payment?email=verify2@example.com";
  paystack_->script_verify({FakePaystack::verify_paid(o.total + 100)});
  auto r = call("POST", path, nullptr, "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(order_field(o.number, "payment_status"), "pending");
  EXPECT_NE(order_field(o.number, "notes").find("not marked paid"), std::string::npos);
  paystack_->script_verify({FakePaystack::server_error()});
  EXPECT_EQ(call("POST", path, nullptr, "").status, 503);
}

}  // namespace
}  // namespace wh::test
