#include "payments/paystack_client.h"

#include <boost/json.hpp>

#include "core/log.h"
#include "core/money.h"
#include "http/client.h"

namespace wh::payments {
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxAnswerBytes = 256 * 1024;

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Paystack's answer: {"status":bool,"message":"...","data":{...}}.
struct Answer {
  int http = 0;
  bool transport_failed = false;
  bool parsed = false;  // JSON object with a boolean "status"
  bool status = false;
  std::string message;
  json::object data;
  std::string error;
};

Answer parse(int http_status, const std::string& body) {
  Answer a;
  a.http = http_status;
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    a.error = "HTTP " + std::to_string(http_status) + ": not JSON";
    return a;
  }
  const auto& o = v.as_object();
  const auto* s = o.if_contains("status");
  if (s == nullptr || !s->is_bool()) {
    a.error = "HTTP " + std::to_string(http_status) + ": no boolean status";
    return a;
  }
  a.parsed = true;
  a.status = s->as_bool();
  a.message = text_at(o, "message");
  if (const auto* d = o.if_contains("data"); d != nullptr && d->is_object()) a.data = d->as_object();
  if (!a.status) a.error = "HTTP " + std::to_string(http_status) + ": " + a.message;
  return a;
}

// A 2xx with status true is accepted, a 4xx or status false (Paystack's
// own verdict) refused; 5xx and anything unparsable unknown.
Outcome classify(const Answer& a) {
  if (a.transport_failed || !a.parsed || a.http >= 500) return Outcome::unknown;
  if (a.http >= 200 && a.http < 300 && a.status) return Outcome::accepted;
  return Outcome::refused;
}

}  // namespace

std::string normalise_ghana_phone(std::string_view phone) {
  std::string s;
  for (char c : phone) {
    if (c != ' ') s += c;
  }
  std::string_view rest;
  if (s.rfind("+233", 0) == 0) {
    rest = std::string_view(s).substr(4);
  } else if (s.rfind('0', 0) == 0) {
    rest = std::string_view(s).substr(1);
  } else {
    return "";
  }
  if (rest.size() != 9 || rest[0] < '2' || rest[0] > '5') return "";
  for (char c : rest) {
    if (c < '0' || c > '9') return "";
  }
  return "0" + std::string(rest);
}

Transaction read_transaction(const json::object& data) {
  Transaction t;
  t.reference = text_at(data, "reference");
  t.status = text_at(data, "status");
  t.channel = text_at(data, "channel");
  t.currency = text_at(data, "currency");
  t.gateway_response = text_at(data, "gateway_response");
  if (const auto* v = data.if_contains("amount"); v != nullptr) {
    if (v->is_int64()) {
      t.amount = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      t.amount = static_cast<Pesewas>(v->as_uint64());
    } else if (v->is_double() && v->as_double() >= 0 && v->as_double() < 1e15 &&
               v->as_double() == static_cast<double>(static_cast<Pesewas>(v->as_double()))) {
      t.amount = static_cast<Pesewas>(v->as_double());
    }
  }
  return t;
}

PaystackClient::PaystackClient(http::OutboundClient& client, const Config& config)
    : client_(client),
      base_(config.paystack_base_url),
      secret_(config.paystack_secret_key),
      timeout_(config.paystack_timeout) {}

namespace {

Task<Answer> call(http::OutboundClient& client, std::string method, std::string url, std::string body,
                  const std::string& secret, std::chrono::milliseconds timeout) {
  http::OutboundRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers.emplace_back("Authorization", "Bearer " + secret);
  req.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  req.timeout = timeout;
  req.max_body_bytes = kMaxAnswerBytes;
  Answer a;
  try {
    auto res = co_await client.send(std::move(req));
    a = parse(res.status, res.body);
  } catch (const std::exception& e) {
    a.transport_failed = true;
    a.error = e.what();
  }
  co_return a;
}

}  // namespace

Task<ChargeOutcome> PaystackClient::charge(const ChargeRequest& r) {
  json::object body{
      {"email", r.email},
      {"amount", r.amount},
      {"mobile_money", json::object{{"phone", r.phone}, {"provider", r.provider}}},
      {"currency", "GHS"},
      {"reference", r.reference},
      {"metadata", json::object{{"order_id", r.order_id}, {"order_number", r.order_number}, {"user_id", r.user_id}}}};
  auto a = co_await call(client_, "POST", base_ + "/charge", json::serialize(body), secret_, timeout_);
  ChargeOutcome out;
  out.outcome = classify(a);
  out.message = a.message;
  out.error = a.error;
  out.status = text_at(a.data, "status");
  out.display_text = text_at(a.data, "display_text");
  // "Charge attempted" with data.status failed: Paystack refused it.
  if (out.outcome == Outcome::accepted && out.status == "failed") {
    out.outcome = Outcome::refused;
    std::string why = text_at(a.data, "message");
    if (why.empty()) why = text_at(a.data, "gateway_response");
    if (!why.empty()) out.message = why;
  }
  co_return out;
}

Task<VerifyOutcome> PaystackClient::verify(const std::string& reference) {
  auto a = co_await call(client_, "GET", base_ + "/transaction/verify/" + reference, "", secret_, timeout_);
  VerifyOutcome out;
  out.error = a.error;
  out.status = text_at(a.data, "status");
  Transaction tx = read_transaction(a.data);
  out.channel = tx.channel;
  out.amount = tx.amount;
  out.currency = tx.currency;
  out.gateway_response = tx.gateway_response;
  auto outcome = classify(a);
  if (outcome == Outcome::unknown) {
    out.verdict = Verdict::unknown;
  } else if (outcome == Outcome::refused) {
    // Paystack answers 400/404 "Transaction reference not found".
    out.verdict = (a.http == 404 || a.http == 400) ? Verdict::not_found : Verdict::unknown;
  } else if (out.status == "success") {
    out.verdict = Verdict::success;
  } else if (out.status == "failed" || out.status == "abandoned" || out.status == "reversed") {
    out.verdict = Verdict::failed;
  } else {
    out.verdict = Verdict::pending;
  }
  co_return out;
}

Task<RefundOutcome> PaystackClient::refund(const std::string& reference) {
  json::object body{{"transaction", reference}};
  auto a = co_await call(client_, "POST", base_ + "/refund", json::serialize(body), secret_, timeout_);
  RefundOutcome out;
  out.outcome = classify(a);
  out.status = text_at(a.data, "status");
  out.message = a.message.empty() ? a.error : a.message;
  co_return out;
}

}  // namespace wh::payments
