// Paystack webhook signatures: the check itself, and the routes answering
// 401 with nothing stored for a bad, missing or wrong-length signature.
#include "payments/webhook_signature.h"
#include "payments_fixture.h"

namespace wh::test {
namespace {

TEST(PaystackSignature, AcceptsTheHexHmacSha512OfTheBodyOnly) {
  const std::string body = R"({"event":"charge.success"})";
  const std::string good = to_hex(hmac_sha512("secret", body));
  EXPECT_EQ(good.size(), 128u);
  EXPECT_TRUE(payments::paystack_signature_valid("secret", body, good));
  EXPECT_FALSE(payments::paystack_signature_valid("other", body, good));
  EXPECT_FALSE(payments::paystack_signature_valid("secret", body + " ", good));
  EXPECT_FALSE(payments::paystack_signature_valid("secret", body, good.substr(0, 127)));
  EXPECT_FALSE(payments::paystack_signature_valid("secret", body, good + "0"));
  EXPECT_FALSE(payments::paystack_signature_valid("secret", body, ""));
  EXPECT_FALSE(payments::paystack_signature_valid("", body, to_hex(hmac_sha512("", body))));
}

class WebhookSignature : public PaymentsApi {};

TEST_F(WebhookSignature, BadMissingOrShortSignaturesAre401AndStoreNothing) {
  const std::string body = charge_event("charge.success", "ref_sig_test", 1000);
  const std::string good = signature(body);
  std::string flipped = good;
  flipped[5] = flipped[5] == 'a' ? 'b' : 'a';
  for (const std::string& sig : {flipped, std::string(), good.substr(0, 64), signature(body + "x")}) {
    for (const char* path : {"/webhook/paystack", "/api/webhooks/paystack"}) {
      auto r = post_webhook(body, sig, path);
      EXPECT_EQ(r.status, 401) << path << " " << sig;
      EXPECT_EQ(auth::error_type(r), "UnauthorizedError");
    }
  }
  EXPECT_EQ(qn("SELECT count(*) FROM wh_payment_events WHERE reference = 'ref_sig_test'"), 0);
}

TEST_F(WebhookSignature, BothPathsAcceptASignedBodyAndRefuseNonJson) {
  const std::string body = charge_event("charge.success", "ref_sig_ok", 1000);
  auto r = post_webhook(body, signature(body), "/api/webhooks/paystack");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(qn("SELECT count(*) FROM wh_payment_events WHERE reference = 'ref_sig_ok'"), 1);
  const std::string junk = "not json";
  EXPECT_EQ(post_webhook(junk, signature(junk)).status, 400);
}

}  // namespace
}  // namespace wh::test
