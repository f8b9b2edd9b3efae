#include "payments/webhook_signature.h"

#include "core/crypto.h"

namespace wh::payments {

bool paystack_signature_valid(std::string_view secret, std::string_view body, std::string_view signature) {
  if (secret.empty() || signature.empty()) return false;
  return constant_time_equal(to_hex(hmac_sha512(secret, body)), signature);
}

}  // namespace wh::payments
