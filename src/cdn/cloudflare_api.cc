#include "cdn/cloudflare_api.h"

#include <boost/json.hpp>
#include <charconv>

#include "http/client.h"

namespace wh::cdn {

namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr long long kMaxRetryAfterSeconds = 86400;

// The first message of Cloudflare's {"errors":[{"code":..,"message":..}]},
// or a short quote of a body that is not such JSON.
std::string api_errors(const boost::json::value* body, std::string_view raw) {
  if (body != nullptr && body->is_object()) {
    const auto* errors = body->as_object().if_contains("errors");
    if (errors != nullptr && errors->is_array() && !errors->as_array().empty()) {
      const auto& first = errors->as_array().front();
      if (first.is_object()) {
        std::string out;
        if (const auto* code = first.as_object().if_contains("code")) out += boost::json::serialize(*code) + " ";
        if (const auto* m = first.as_object().if_contains("message"); m != nullptr && m->is_string()) {
          out += std::string(m->as_string());
        }
        return out;
      }
    }
  }
  return std::string(raw.substr(0, 200));
}

}  // namespace

std::string_view call_result_name(CallResult r) {
  switch (r) {
    case CallResult::success:
      return "success";
    case CallResult::rate_limited:
      return "rate_limited";
    case CallResult::http_error:
      return "http_error";
    case CallResult::api_error:
      return "api_error";
    case CallResult::transport_error:
      break;
  }
  return "transport_error";
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::milliseconds(std::min(seconds, kMaxRetryAfterSeconds) * 1000);
}

Task<CallOutcome> call_purge(http::OutboundClient& client, const CloudflareZone& zone, std::string body,
                             std::chrono::milliseconds timeout) {
  http::OutboundRequest req;
  req.method = "POST";
  req.url = zone.api_base_url + "/zones/" + zone.zone_id + "/purge_cache";
  req.headers.emplace_back("Authorization", "Bearer " + zone.api_token);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.body = std::move(body);
  req.timeout = timeout;
  req.max_body_bytes = kMaxAnswerBytes;
  CallOutcome out;
  http::OutboundResponse res;
  try {
    res = co_await client.send(std::move(req));
  } catch (const std::exception& e) {
    out.result = CallResult::transport_error;
    out.error = e.what();
    co_return out;
  }
  out.status = res.status;
  boost::system::error_code ec;
  auto json = boost::json::parse(res.body, ec);
  const boost::json::value* parsed = ec ? nullptr : &json;
  if (res.status == 429) {
    out.result = CallResult::rate_limited;
    if (auto h = res.header("retry-after")) out.retry_after = parse_retry_after(*h);
    out.error = "HTTP 429 " + api_errors(parsed, res.body);
  } else if (res.status < 200 || res.status > 299) {
    out.result = CallResult::http_error;
    out.error = "HTTP " + std::to_string(res.status) + " " + api_errors(parsed, res.body);
  } else if (parsed == nullptr || !parsed->is_object() || parsed->as_object().if_contains("success") == nullptr ||
             *parsed->as_object().if_contains("success") != true) {
    out.result = CallResult::api_error;
    out.error = "HTTP " + std::to_string(res.status) + " without \"success\":true: " + api_errors(parsed, res.body);
  } else {
    out.result = CallResult::success;
  }
  co_return out;
}

}  // namespace wh::cdn
