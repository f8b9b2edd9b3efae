#include "orders/payment_verify.h"

#include "core/error.h"

namespace wh::orders {
namespace json = boost::json;

Task<Verified> verify_and_apply(web::Services& services, const std::string& reference, std::string source) {
  auto& paystack = services.get<payments::PaystackClient>();
  if (!paystack.configured()) throw ApiError::unavailable("Payments are not configured on this server");
  Verified out;
  out.outcome = co_await paystack.verify(reference);
  if (out.outcome.verdict == payments::Verdict::unknown) {
    throw ApiError::unavailable("The payment provider could not be reached; try again shortly");
  }
  if (auto report = report_of(out.outcome, reference, std::move(source))) {
    out.result = co_await apply_payment(services, *report);
  }
  co_return out;
}

json::object verification_json(const payments::VerifyOutcome& v) {
  json::object o{
      {"status", v.status}, {"channel", v.channel}, {"currency", v.currency}, {"gateway_response", v.gateway_response}};
  if (v.amount) {
    o["amount"] = *v.amount;
  } else {
    o["amount"] = nullptr;
  }
  return o;
}

std::string verification_message(payments::Verdict verdict, std::optional<Applied> applied) {
  if (applied == Applied::mismatch) return "The payment does not match the order total; the shop will review it";
  if (applied == Applied::refund_pending || applied == Applied::refunded || applied == Applied::refund_failed) {
    return "Payment received, but an item is out of stock: the order was cancelled and the payment is being refunded";
  }
  switch (verdict) {
    case payments::Verdict::success:
      return "Payment verified successfully";
    case payments::Verdict::failed:
      return "Payment failed";
    default:
      return "Payment is still pending";
  }
}

}  // namespace wh::orders
