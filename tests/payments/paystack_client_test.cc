// The Paystack client against the fake: how each answer is classified, and
// the Ghana phone rule.
#include "payments/paystack_client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/client.h"
#include "support/coroutine_loop.h"
#include "support/fake_paystack.h"

namespace wh::test {
namespace {

TEST(PaystackPhone, GhanaMobileNumbersAreNormalised) {
  EXPECT_EQ(payments::normalise_ghana_phone("0241234567"), "0241234567");
  EXPECT_EQ(payments::normalise_ghana_phone("+233 24 123 4567"), "0241234567");
  EXPECT_EQ(payments::normalise_ghana_phone("+233541234567"), "0541234567");
  EXPECT_EQ(payments::normalise_ghana_phone("0641234567"), "");  // [2-5] after the prefix
  EXPECT_EQ(payments::normalise_ghana_phone("024123456"), "");
  EXPECT_EQ(payments::normalise_ghana_phone("233241234567"), "");
  EXPECT_EQ(payments::normalise_ghana_phone("+1 415 555 0100"), "");
}

class PaystackClientTest : public ::testing::Test {
 protected:
  template <typename T>
  T run(Task<T> task) {
    return run_task<T>(io_, std::move(task));
  }
  Config config() {
    Config c;
    c.paystack_base_url = fake_.base_url();
    c.paystack_secret_key = FakePaystack::kSecret;
    c.paystack_timeout = std::chrono::milliseconds(300);
    return c;
  }
  payments::ChargeRequest request() {
    payments::ChargeRequest r;
    r.email = "a@example.com";
    r.amount = 12345;
    r.phone = "0241234567";
    r.provider = "vod";
    r.reference = "ref_1_abc";
    r.order_id = "o1";
    r.order_number = "ORD-1";
    r.user_id = "guest";
    return r;
  }

  FakePaystack fake_;
  boost::asio::io_context io_;
  http::OutboundClient client_{io_.get_executor(), http::ClientOptions{}};
};

TEST_F(PaystackClientTest, ChargeOutcomes) {
  payments::PaystackClient paystack(client_, config());
  auto ok = run(paystack.charge(request()));
  EXPECT_EQ(ok.outcome, payments::Outcome::accepted);
  EXPECT_EQ(ok.status, "send_otp");
  auto sent = fake_.calls_to("/charge").at(0).body.as_object();
  EXPECT_EQ(sent.at("amount"), 12345);
  EXPECT_EQ(sent.at("mobile_money").at("provider"), "vod");

  fake_.charge_mode(FakePaystack::Charge::refuse);
  auto refused = run(paystack.charge(request()));
  EXPECT_EQ(refused.outcome, payments::Outcome::refused);
  EXPECT_EQ(refused.message, "Mobile money number is not valid");

  fake_.charge_mode(FakePaystack::Charge::server_error);
  EXPECT_EQ(run(paystack.charge(request())).outcome, payments::Outcome::unknown);

  fake_.charge_mode(FakePaystack::Charge::accept);
  fake_.latency(std::chrono::milliseconds(1000));
  EXPECT_EQ(run(paystack.charge(request())).outcome, payments::Outcome::unknown) << "a timeout is not a refusal";
}

TEST_F(PaystackClientTest, VerifyVerdicts) {
  payments::PaystackClient paystack(client_, config());
  fake_.script_verify({FakePaystack::verify_status("success"), FakePaystack::verify_status("abandoned"),
                       FakePaystack::verify_status("ongoing"),
                       FakeReply::json(R"({"status":false,"message":"Transaction reference not found"})", 400),
                       FakePaystack::server_error()});
  EXPECT_EQ(run(paystack.verify("r")).verdict, payments::Verdict::success);
  EXPECT_EQ(run(paystack.verify("r")).verdict, payments::Verdict::failed);
  EXPECT_EQ(run(paystack.verify("r")).verdict, payments::Verdict::pending);
  EXPECT_EQ(run(paystack.verify("r")).verdict, payments::Verdict::not_found);
  EXPECT_EQ(run(paystack.verify("r")).verdict, payments::Verdict::unknown);
  EXPECT_EQ(fake_.calls_to("/transaction/verify/r").size(), 5u);
}

TEST_F(PaystackClientTest, AWrongKeyIsARefusalNotAnUnknown) {
  Config c = config();
  c.paystack_secret_key = "sk_wrong";
  payments::PaystackClient paystack(client_, c);
  EXPECT_EQ(run(paystack.charge(request())).outcome, payments::Outcome::refused);
}

}  // namespace
}  // namespace wh::test
