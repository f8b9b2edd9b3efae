// The signed one-click unsubscribe link put in every opt-out e-mail
// (preferences.h) and in its List-Unsubscribe header:
//   {PUBLIC_API_URL}/api/unsubscribe/one-click?email=<address>&token=<hex>
// token = hex HMAC-SHA256(secret, "unsubscribe:" + lower-case address).
// The secret is UNSUBSCRIBE_SECRET, or, when unset, one derived from
// JWT_SECRET (an HMAC of a fixed label, so neither reveals the other).
// Links do not expire: an unsubscribe link must keep working.
#pragma once
#include <string>
#include <string_view>

#include "core/config.h"

namespace wh::mail {

std::string unsubscribe_secret(const Config& config);
std::string unsubscribe_token(std::string_view secret, std::string_view email);
// Constant-time comparison with the expected token.
bool valid_unsubscribe_token(std::string_view secret, std::string_view email, std::string_view token);
std::string unsubscribe_url(const Config& config, std::string_view email);

}  // namespace wh::mail
