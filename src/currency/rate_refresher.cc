#include "currency/rate_refresher.h"

#include "cache/registry.h"
#include "cache/tags.h"
#include "core/log.h"
#include "currency/rate_store.h"
#include "db/db.h"
#include "http/client.h"

namespace wh::currency {

namespace {

constexpr std::size_t kMaxAnswerBytes = 1024 * 1024;

// The provider's answer, checked; throws std::runtime_error saying why not.
Task<RateList> fetch(http::OutboundClient& client, const Config& config) {
  http::OutboundRequest req;
  req.url = config.currency_api_url;
  req.headers.emplace_back("Accept", "application/json");
  if (!config.currency_api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + config.currency_api_key);
  req.timeout = config.outbound_timeout;
  req.max_body_bytes = kMaxAnswerBytes;
  auto res = co_await client.send(std::move(req));
  if (res.status != 200) throw std::runtime_error("the provider answered HTTP " + std::to_string(res.status));
  std::string why;
  auto rates = parse_provider_rates(res.body, why);
  if (!rates) throw std::runtime_error(why);
  co_return std::move(*rates);
}

}  // namespace

Task<RefreshResult> RateRefresher::refresh_once() {
  ++attempts;
  RefreshResult out;
  try {
    auto rates = co_await fetch(services_.get<http::OutboundClient>(), services_.config);
    db::Db db(*services_.pool, nullptr, db::Priority::background);
    out.saved = co_await save_rates(db, rates);
    services_.get<cache::Registry>().invalidate({cache::tags::kCurrency});
    out.ok = true;
    log::info("currency rates refreshed", {{"rows", out.saved}});
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  if (!out.ok) {
    ++failures;
    log::warn("currency rate refresh failed; the stored rates stay", {{"error", out.error}});
  }
  co_return out;
}

}  // namespace wh::currency
