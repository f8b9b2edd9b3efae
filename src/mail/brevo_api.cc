#include "mail/brevo_api.h"

#include <boost/json.hpp>

#include "cdn/cloudflare_api.h"  // parse_retry_after
#include "http/client.h"

namespace wh::mail {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

// Brevo's {"code":"invalid_parameter","message":"..."}, or a short quote.
std::string answer_error(int status, std::string_view raw) {
  std::string out = "HTTP " + std::to_string(status);
  boost::system::error_code ec;
  auto v = json::parse(raw, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (const auto* c = o.if_contains("code"); c != nullptr && c->is_string()) out += " " + std::string(c->as_string());
    if (const auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      out += ": " + std::string(m->as_string());
    }
    return out;
  }
  if (!raw.empty()) out += " " + std::string(raw.substr(0, 200));
  return out;
}

}  // namespace

std::string brevo_body(const BrevoAccount& account, const OutgoingEmail& email) {
  json::object sender{{"email", account.sender_email}};
  if (!account.sender_name.empty()) sender["name"] = account.sender_name;
  json::object body{{"sender", std::move(sender)},
                    {"to", json::array{json::object{{"email", email.to}}}},
                    {"subject", email.subject},
                    {"htmlContent", email.html},
                    {"textContent", email.text}};
  if (!email.tag.empty()) body["tags"] = json::array{json::value(email.tag)};
  if (!email.unsubscribe_url.empty()) {
    body["headers"] = json::object{{"List-Unsubscribe", "<" + email.unsubscribe_url + ">"},
                                   {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  }
  return json::serialize(body);
}

Task<SendOutcome> send_email(http::OutboundClient& client, const BrevoAccount& account, const OutgoingEmail& email,
                             std::chrono::milliseconds timeout) {
  http::OutboundRequest req;
  req.method = "POST";
  req.url = account.base_url + "/smtp/email";
  req.headers.emplace_back("api-key", account.api_key);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.body = brevo_body(account, email);
  req.timeout = timeout;
  req.max_body_bytes = kMaxAnswerBytes;
  SendOutcome out;
  http::OutboundResponse res;
  try {
    res = co_await client.send(std::move(req));
  } catch (const std::exception& e) {
    out.result = SendResult::retry;
    out.error = e.what();
    co_return out;
  }
  out.status = res.status;
  if (res.status >= 200 && res.status <= 299) {
    out.result = SendResult::sent;
    boost::system::error_code ec;
    auto v = json::parse(res.body, ec);
    if (!ec && v.is_object()) {
      if (const auto* id = v.as_object().if_contains("messageId"); id != nullptr && id->is_string()) {
        out.message_id = std::string(id->as_string());
      }
    }
    co_return out;
  }
  out.error = answer_error(res.status, res.body);
  if (res.status == 429 || res.status >= 500) {
    out.result = SendResult::retry;
    if (auto h = res.header("retry-after")) out.retry_after = cdn::parse_retry_after(*h);
  } else {
    out.result = SendResult::rejected;
  }
  co_return out;
}

}  // namespace wh::mail
