// After a charge whose outcome is unknown (timeout, network error, 5xx),
// Paystack may still have created it and the shopper may still approve it,
// so nothing is released until GET transaction/verify/:reference answers.
// follow_up() asks it in the background, PAYSTACK_VERIFY_ATTEMPTS times with
// doubling waits from PAYSTACK_VERIFY_RETRY_MS, and follows the answer:
//   success          applied as the webhook would (orders/payment_apply.h):
//                    paid, or flagged when the amount is wrong
//   failed/abandoned applied: the reservation and the coupon are released
//   not found        ask again; still unknown to Paystack after every
//                    attempt: the charge never existed, release
//   pending/no answer ask again; after the last attempt leave the order to
//                    the webhook and the expiry job
// No pooled connection is held while waiting or calling Paystack.
#pragma once
#include <string>

#include "payments/paystack_client.h"
#include "web/services.h"

namespace wh::orders {

// What to do with an order given a verify verdict.
enum class FollowUp { keep, release, ask_again };
FollowUp follow(payments::Verdict verdict, bool last_attempt);

// Applies a verify answer: success and failure through apply_payment(),
// still unknown to Paystack after the last attempt: released. Returns true
// when the order's fate is settled.
Task<bool> apply_verdict(web::Services& services, const std::string& order_id, const std::string& reference,
                         const payments::VerifyOutcome& verify, bool last_attempt);

// Starts the background verification on the current executor (detached).
Task<void> start_follow_up(web::Services& services, std::string order_id, std::string reference);

}  // namespace wh::orders
