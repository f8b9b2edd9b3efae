#include "mail/unsubscribe_link.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "accounts/validation.h"
#include "core/crypto.h"

namespace wh::mail {

std::string unsubscribe_secret(const Config& config) {
  if (!config.unsubscribe_secret.empty()) return config.unsubscribe_secret;
  return hmac_sha256(config.jwt_secret, "wighaven one-click unsubscribe links");
}

std::string unsubscribe_token(std::string_view secret, std::string_view email) {
  return to_hex(hmac_sha256(secret, "unsubscribe:" + accounts::normalize_email(email)));
}

bool valid_unsubscribe_token(std::string_view secret, std::string_view email, std::string_view token) {
  return constant_time_equal(unsubscribe_token(secret, email), token);
}

std::string unsubscribe_url(const Config& config, std::string_view email) {
  const std::string& base = config.public_api_url.empty() ? config.frontend_url : config.public_api_url;
  std::string address = accounts::normalize_email(email);
  return base + "/api/unsubscribe/one-click?email=" + boost::urls::encode(address, boost::urls::unreserved_chars) +
         "&token=" + unsubscribe_token(unsubscribe_secret(config), address);
}

}  // namespace wh::mail
