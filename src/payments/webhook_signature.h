// Paystack signs each webhook: x-paystack-signature is the lower-case hex
// HMAC-SHA512 of the raw request body under the secret key.
#pragma once
#include <string_view>

namespace wh::payments {

// Whether `signature` is the body's signature under `secret`, compared in
// constant time. False for an empty secret or signature and for any other
// length than 128 hex digits.
bool paystack_signature_valid(std::string_view secret, std::string_view body, std::string_view signature);

}  // namespace wh::payments
