// Verifying one Paystack reference and applying the answer to its order,
// the same way wherever it is asked for: POST
// /api/orders/:n/verify-payment (orders/payment_routes.h) and POST
// /api/super-admin/payment/verify (admin/super_admin_ops.h). Asks GET
// {PAYSTACK_BASE_URL}/transaction/verify/:reference with no pooled
// connection held, then applies a settled answer through apply_payment()
// (payment_apply.h: the one place an order is marked paid or failed).
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/task.h"
#include "orders/payment_apply.h"
#include "payments/paystack_client.h"
#include "web/services.h"

namespace wh::orders {

struct Verified {
  payments::VerifyOutcome outcome;    // verdict success | failed | pending | not_found
  std::optional<ApplyResult> result;  // what applying did; nullopt when nothing was applied
};

// Throws 503 when payments are not configured or Paystack gave no usable
// answer (payments::Verdict::unknown). A reference Paystack does not know
// is returned (verdict not_found) for the caller to answer.
Task<Verified> verify_and_apply(web::Services& services, const std::string& reference, std::string source);

// {status, channel, amount (pesewas or null), currency, gateway_response}
boost::json::object verification_json(const payments::VerifyOutcome& v);

// The answer's message for a verdict and what applying it did.
std::string verification_message(payments::Verdict verdict, std::optional<Applied> applied);

}  // namespace wh::orders
