#include "currency/currency_routes.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "cache/tags.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/time.h"
#include "web/query_params.h"
#include "web/respond.h"

namespace wh::currency {
namespace json = boost::json;

namespace {

// Display order of the currencies the old backend supported; others follow
// alphabetically.
constexpr const char* kRatesSql = R"(
SELECT currency, trim_scale(rate)::text, wh_iso(last_updated)
FROM currency_rates WHERE base_currency = 'GHS'
ORDER BY array_position(ARRAY['USD','EUR','GBP'], currency) NULLS LAST, currency)";

struct Rate {
  std::string code;
  std::string rate;  // numeric text
};

struct RateTable {
  std::vector<Rate> rates;
  std::string timestamp;  // newest last_updated, "" when defaults are used
};

// The old backend's last-resort rates, used when the table is empty.
RateTable fallback_rates() { return {{{"USD", "0.082"}, {"EUR", "0.076"}, {"GBP", "0.065"}}, ""}; }

Task<RateTable> load(web::Context& ctx) {
  ctx.tag(cache::tags::kCurrency);
  auto r = co_await ctx.db().query(kRatesSql);
  if (r.empty()) co_return fallback_rates();
  RateTable t;
  for (int i = 0; i < r.rows(); ++i) {
    t.rates.push_back({std::string(r.get(i, 0)), std::string(r.get(i, 1))});
    auto ts = std::string(r.get(i, 2));
    if (ts > t.timestamp) t.timestamp = ts;
  }
  co_return t;
}

}  // namespace

Task<http::Response> rates(web::Context& ctx) {
  auto t = co_await load(ctx);
  std::string data = R"({"base":"GHS","rates":{)";
  for (std::size_t i = 0; i < t.rates.size(); ++i) {
    data += (i ? "," : "") + json::serialize(json::string(t.rates[i].code)) + ":" + t.rates[i].rate;
  }
  data += R"(},"timestamp":)" + json::serialize(json::string(t.timestamp.empty() ? iso_now() : t.timestamp)) + "}";
  co_return web::ok_data(data);
}

Task<http::Response> supported(web::Context& ctx) {
  auto t = co_await load(ctx);
  json::array codes{"GHS"};
  for (const auto& r : t.rates) codes.emplace_back(r.code);
  co_return web::ok_data(json::serialize(codes));
}

Task<http::Response> convert(web::Context& ctx) {
  // Query string first; a JSON body (the old contract) as a fallback.
  std::string amount_s, from, to;
  auto q = [&](const char* k) { return std::string(ctx.req.query_param(k).value_or("")); };
  amount_s = q("amount");
  from = q("from");
  to = q("to");
  if (amount_s.empty() && !ctx.req.body.empty()) {
    boost::system::error_code ec;
    auto body = json::parse(ctx.req.body, ec);
    if (!ec && body.is_object()) {
      const auto& o = body.as_object();
      if (auto* a = o.if_contains("amount"))
        amount_s = a->is_string() ? std::string(a->as_string()) : json::serialize(*a);
      if (auto* f = o.if_contains("from"); f && f->is_string()) from = std::string(f->as_string());
      if (auto* t = o.if_contains("to"); t && t->is_string()) to = std::string(t->as_string());
    }
  }
  ValidationErrors errors;
  double amount = 0;
  char* end = nullptr;
  if (!amount_s.empty()) amount = std::strtod(amount_s.c_str(), &end);
  if (amount_s.empty() || end == nullptr || *end != '\0' || !std::isfinite(amount) || amount < 0 || amount > 1e12) {
    errors.add("amount", "\"amount\" must be a non-negative number");
  }
  for (auto& c : from) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : to) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (from.empty()) errors.add("from", "\"from\" is required");
  if (to.empty()) errors.add("to", "\"to\" is required");
  errors.throw_if_any();

  auto t = co_await load(ctx);
  auto rate_of = [&](const std::string& code) -> double {
    if (code == "GHS") return 1.0;
    for (const auto& r : t.rates) {
      if (r.code == code) return std::strtod(r.rate.c_str(), nullptr);
    }
    throw ApiError(400, "ValidationError", "Unsupported currency: " + code.substr(0, 10));
  };
  double from_rate = rate_of(from), to_rate = rate_of(to);
  double converted = from == to ? amount : amount / from_rate * to_rate;
  converted = std::round(converted * 100.0) / 100.0;
  std::string data = "{\"amount\":" + json_number(amount) + ",\"from\":" + json::serialize(json::string(from)) +
                     ",\"to\":" + json::serialize(json::string(to)) + ",\"converted\":" + json_number(converted) + "}";
  co_return web::ok_data(data);
}

}  // namespace wh::currency
