#include "currency/rate_refresher.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cache/registry.h"
#include "cache/tags.h"
#include "core/log.h"
#include "currency/rate_store.h"
#include "db/db.h"
#include "http/client.h"

namespace wh::currency {
namespace asio = boost::asio;
using std::chrono::milliseconds;

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
    db::Db db(*services_.pool, nullptr);
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

Task<void> RateRefresher::run() {
  const auto& config = services_.config;
  if (config.currency_api_url.empty()) {
    log::info("currency rate refresh is off (CURRENCY_API_URL=off)");
    co_return;
  }
  const milliseconds interval = config.currency_refresh;
  milliseconds backoff = std::min(config.currency_retry, interval);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    milliseconds wait = interval;
    bool failed = false;
    try {
      db::Db db(*services_.pool, nullptr);
      auto age = co_await stored_age(db);
      if (age && *age < interval) {
        wait = interval - *age;  // fresh, maybe from another instance
      } else {
        auto result = co_await refresh_once();
        failed = !result.ok;
      }
    } catch (const std::exception& e) {
      log::warn("currency rate refresh cannot read the stored rates", {{"error", e.what()}});
      failed = true;
    }
    if (failed) {
      wait = backoff;
      backoff = std::min(backoff * 2, interval);
    } else {
      backoff = std::min(config.currency_retry, interval);
    }
    timer.expires_after(wait);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace wh::currency
