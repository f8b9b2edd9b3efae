// One call of Brevo's transactional e-mail API through the server's
// outbound client: POST {base}/smtp/email with the `api-key` header and a
// JSON body (sender, to, subject, htmlContent, textContent, headers, tags),
// and what came of it. Never throws.
//
// 2xx: sent (Brevo's messageId kept). 429, 5xx and no answer at all
// (DNS, connect, TLS, timeout): worth retrying. Any other status (400 bad
// address or payload, 401 bad key, 403...): rejected, retrying cannot help.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/task.h"

namespace wh::http {
class OutboundClient;
}

namespace wh::mail {

struct BrevoAccount {
  std::string base_url;  // "https://api.brevo.com/v3", no trailing '/'
  std::string api_key;
  std::string sender_email;
  std::string sender_name;
};

struct OutgoingEmail {
  std::string to;
  std::string subject;
  std::string html;
  std::string text;
  std::string unsubscribe_url;  // "" = none; else List-Unsubscribe (+ one-click) headers
  std::string tag;              // the e-mail's type, a Brevo tag for their statistics
};

enum class SendResult { sent, retry, rejected };

struct SendOutcome {
  SendResult result = SendResult::retry;
  int status = 0;                                        // 0: no answer
  std::string message_id;                                // sent: Brevo's messageId
  std::optional<std::chrono::milliseconds> retry_after;  // a 429's Retry-After
  std::string error;                                     // why not sent
};

// The JSON body sent for `email`.
std::string brevo_body(const BrevoAccount& account, const OutgoingEmail& email);

Task<SendOutcome> send_email(http::OutboundClient& client, const BrevoAccount& account, const OutgoingEmail& email,
                             std::chrono::milliseconds timeout);

}  // namespace wh::mail
