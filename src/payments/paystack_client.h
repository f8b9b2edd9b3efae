// Paystack's API as the checkout and the admin refund use it, through the
// server's one outbound client: POST /charge (mobile money), GET
// /transaction/verify/:reference and POST /refund, each with
// `Authorization: Bearer PAYSTACK_SECRET_KEY` and PAYSTACK_TIMEOUT_MS.
//
// Every answer is classified, never thrown: a charge is accepted (Paystack
// took it: the shopper approves it on the phone), refused (Paystack said
// no: nothing will be charged) or unknown (a timeout, a network error, a
// 5xx or an answer that is not Paystack's JSON: the charge may exist, so
// the caller must verify before releasing anything).
//
// Callers must hold no pooled database connection while awaiting these.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/money.h"
#include "core/task.h"

namespace boost::json {
class object;
}

namespace wh::http {
class OutboundClient;
}

namespace wh::payments {

struct ChargeRequest {
  std::string email;
  Pesewas amount = 0;    // sent in pesewas, currency GHS
  std::string phone;     // normalised 0XXXXXXXXX
  std::string provider;  // mtn | vod | tgo
  std::string reference;
  std::string order_id;
  std::string order_number;
  std::string user_id;  // "guest" for a guest
};

enum class Outcome { accepted, refused, unknown };

struct ChargeOutcome {
  Outcome outcome = Outcome::unknown;
  std::string status;        // Paystack's data.status (pending, send_otp, pay_offline, success, ...)
  std::string display_text;  // data.display_text
  std::string message;       // Paystack's message (the refusal's reason)
  std::string error;         // for the log: what went wrong on an unknown outcome
};

enum class Verdict {
  success,    // paid
  failed,     // failed, abandoned or reversed: nothing will be paid
  pending,    // still open (pending, ongoing, send_otp, ...)
  not_found,  // Paystack does not know the reference (yet)
  unknown,    // no usable answer
};

struct VerifyOutcome {
  Verdict verdict = Verdict::unknown;
  std::string status;             // data.status as Paystack wrote it
  std::string channel;            // data.channel (mobile_money, ...)
  std::optional<Pesewas> amount;  // data.amount (pesewas), when a number
  std::string currency;           // data.currency (GHS)
  std::string gateway_response;   // data.gateway_response
  std::string error;
};

struct RefundOutcome {
  Outcome outcome = Outcome::unknown;
  std::string status;  // data.status (pending, processed, ...)
  std::string message;
};

// The facts of a Paystack transaction object: GET /transaction/verify's
// `data` and a charge.* webhook's `data` alike.
struct Transaction {
  std::string reference;
  std::string status;  // success, failed, abandoned, reversed, pending, ...
  std::string channel;
  std::optional<Pesewas> amount;  // pesewas, when an integral number
  std::string currency;
  std::string gateway_response;
};
Transaction read_transaction(const boost::json::object& data);

class PaystackClient {
 public:
  PaystackClient(http::OutboundClient& client, const Config& config);

  // Whether a secret key is configured (no call is made without one).
  bool configured() const { return !secret_.empty(); }
  const std::string& base_url() const { return base_; }

  Task<ChargeOutcome> charge(const ChargeRequest& request);
  Task<VerifyOutcome> verify(const std::string& reference);
  Task<RefundOutcome> refund(const std::string& reference);

 private:
  http::OutboundClient& client_;
  std::string base_;
  std::string secret_;
  std::chrono::milliseconds timeout_;
};

// 0XXXXXXXXX for a Ghana mobile number (^(\+233|0)[2-5][0-9]{8}$ once
// spaces are removed), "" when it is not one.
std::string normalise_ghana_phone(std::string_view phone);

}  // namespace wh::payments
