#include "cdn/purge_worker.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cdn/cloudflare_api.h"
#include "cdn/purge_outbox.h"
#include "core/log.h"
#include "db/db.h"
#include "db/worker_lease.h"
#include "http/client.h"

namespace wh::cdn {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kLeaseName = "cdn-purge";
constexpr int kClaimRows = 1000;   // rows planned together (their tags are deduplicated)
constexpr int kPruneRows = 10000;  // rows deleted by one statement
constexpr auto kDepthEvery = std::chrono::seconds(1);
constexpr auto kPruneEvery = std::chrono::minutes(1);
constexpr int kGatherFactor = 4;  // a burst is gathered for at most this many CLOUDFLARE_PURGE_DELAY_MS

const std::vector<double>& lag_buckets() {
  static const std::vector<double> b{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
  return b;
}

PlanOptions plan_options(const Config& c) {
  PlanOptions o;
  o.mode = c.cloudflare_purge_mode == "urls" ? PurgeMode::urls : PurgeMode::tags;
  o.max_items = static_cast<std::size_t>(c.purge_max_items);
  o.collapse = c.purge_collapse;
  o.public_base_url = c.cloudflare_public_base_url;
  return o;
}

milliseconds until(Clock::time_point t) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(t - Clock::now()));
}

boost::json::array json_list(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& i : items) out.emplace_back(i);
  return out;
}

}  // namespace

PurgeWorker::PurgeWorker(web::Services& services, metrics::Registry& registry, asio::any_io_executor ex)
    : services_(services),
      config_(services.config),
      enabled_(config_.cloudflare_purge_mode != "off"),
      credentials_(!config_.cloudflare_api_token.empty() && !config_.cloudflare_zone_id.empty()),
      plan_options_(plan_options(config_)),
      loop_(std::move(ex)),
      bucket_(config_.purge_burst, config_.purge_rate_per_min, Clock::now()),
      lag_(registry
               .histogram("wh_cdn_purge_lag_seconds",
                          "Seconds from an outbox row's creation to Cloudflare confirming its purge.", {},
                          lag_buckets())
               .with({})),
      pending_(
          registry.gauge("wh_cdn_purge_outbox_pending", "Outbox rows not purged yet (counted up to 100000).").with({})),
      oldest_(registry.gauge("wh_cdn_purge_outbox_oldest_seconds", "Age of the oldest outbox row not purged yet.")
                  .with({})),
      lease_held_(registry.gauge("wh_cdn_purge_lease_held", "1 while this instance holds the purge lease.").with({})),
      calls_(registry.counter("wh_cdn_purge_api_calls_total",
                              "Cloudflare purge calls by result (logged: no credentials, not sent).", {"result"})) {}

Task<void> PurgeWorker::run() {
  if (!enabled_) {
    log::info("cdn purge worker off on this instance (CLOUDFLARE_PURGE_MODE=off)");
    co_return;
  }
  co_await loop_.run([this] { return loop(); });
}

void PurgeWorker::wake() {
  if (enabled_) loop_.wake();
}

void PurgeWorker::stop(milliseconds max_wait, std::function<void()> done) { loop_.stop(max_wait, std::move(done)); }

Task<void> PurgeWorker::refresh_depth() {
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  auto depth = co_await outbox_depth(db);
  pending_.set(static_cast<double>(depth.pending));
  oldest_.set(depth.oldest_seconds);
}

Task<void> PurgeWorker::loop() {
  if (!credentials_) {
    log::info("cdn purge: CLOUDFLARE_API_TOKEN or CLOUDFLARE_ZONE_ID unset; purges are logged, not sent");
  }
  db::WorkerLease lease(*services_.pool, kLeaseName, db::worker_owner_id(), config_.worker_lease_ttl);
  milliseconds backoff = config_.purge_retry;
  Clock::time_point retry_at{}, next_prune{}, next_depth{};
  const milliseconds prune_every =
      std::min<milliseconds>(kPruneEvery, std::chrono::duration_cast<milliseconds>(config_.purge_retention));
  while (!loop_.stopping()) {
    milliseconds wait = config_.purge_poll;
    bool failed = false;
    std::optional<milliseconds> retry_after;
    bool held = false;
    try {
      held = co_await lease.keep();
      lease_held_.set(held ? 1 : 0);
      if (Clock::now() >= next_depth) {
        co_await refresh_depth();
        next_depth = Clock::now() + kDepthEvery;
      }
      if (held && Clock::now() >= next_prune) {
        db::Db db(*services_.pool, nullptr, db::Priority::background);
        long pruned = co_await prune_done(db, config_.purge_retention, kPruneRows);
        if (pruned > 0) log::info("cdn purge: done outbox rows deleted", {{"rows", pruned}});
        next_prune = Clock::now() + prune_every;
      }
      if (!held) {
        wait = std::min(wait, lease.ttl() / 3);  // take over soon after the holder's lease expires
      } else if (Clock::now() < retry_at) {
        wait = until(retry_at);
      } else if (credentials_ && bucket_.available(Clock::now()) < 1) {
        wait = bucket_.wait_time(Clock::now());
      } else {
        auto r = co_await cycle(lease);
        failed = r.failed;
        retry_after = r.retry_after;
        if (!failed) backoff = config_.purge_retry;
        if (r.more && !failed) wait = milliseconds(0);
      }
    } catch (const std::exception& e) {
      log::warn("cdn purge: the database cannot be reached", {{"error", e.what()}, {"retry_ms", backoff.count()}});
      failed = true;
    }
    if (failed) {
      milliseconds pause = std::max(backoff, retry_after.value_or(milliseconds(0)));
      retry_at = Clock::now() + pause;
      backoff = std::min(backoff * 2, config_.purge_retry_max);
      wait = pause;
    }
    if (lease.held()) wait = std::min(wait, until(lease.renew_due()));
    if (wait.count() == 0) continue;
    const auto deadline = Clock::now() + wait;
    bool woken = co_await loop_.sleep(wait);
    if (woken && !held) {
      // Only the holder acts on new rows; the others just watch the lease.
      while (!loop_.stopping() && Clock::now() < deadline) co_await loop_.sleep(until(deadline));
    } else if (woken && config_.purge_delay.count() > 0) {
      // Gather the rest of a burst so it shares calls: until no row came for
      // the delay, at most kGatherFactor delays.
      const auto cap = Clock::now() + config_.purge_delay * kGatherFactor;
      auto quiet = Clock::now() + config_.purge_delay;
      while (!loop_.stopping() && Clock::now() < std::min(quiet, cap)) {
        bool again = co_await loop_.sleep(until(std::min(quiet, cap)));
        if (again) quiet = Clock::now() + config_.purge_delay;
      }
    }
  }
  co_await lease.release();
  lease_held_.set(0);
}

Task<PurgeWorker::CycleResult> PurgeWorker::cycle(db::WorkerLease& lease) {
  CycleResult out;
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  const auto claimed_at = Clock::now();
  auto rows = co_await claim_rows(db, kClaimRows, config_.purge_claim_timeout);
  if (rows.empty()) co_return out;
  out.claimed = true;
  out.more = rows.size() == static_cast<std::size_t>(kClaimRows);

  std::vector<std::vector<std::string>> row_tags;
  row_tags.reserve(rows.size());
  for (auto& r : rows) row_tags.push_back(std::move(r.tags));
  PlanOptions options = plan_options_;
  if (credentials_) options.calls_available = bucket_.available(Clock::now());
  const PurgePlan plan = plan_purge(row_tags, options);
  if (!plan.invalid.empty()) {
    log::warn("cdn purge: tags Cloudflare would refuse are skipped", {{"tags", json_list(plan.invalid)}});
  }
  if (!plan.unmapped.empty())
    log::info("cdn purge: tags without a URL are skipped", {{"tags", json_list(plan.unmapped)}});
  if (plan.collapsed) {
    log::info("cdn purge: more tags than calls available; purging the whole catalog instead",
              {{"calls_available", options.calls_available}, {"rows", static_cast<std::int64_t>(rows.size())}});
  }

  // Rows whose purge needs calls [0, sent) only are done.
  std::vector<bool> done(rows.size(), false);
  auto rows_needing = [&](int last_call) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!done[i] && plan.row_needs[i] <= last_call) {
        done[i] = true;
        ids.push_back(rows[i].id);
      }
    }
    return ids;
  };
  auto nothing_to_send = rows_needing(-1);
  co_await mark_done(db, nothing_to_send);

  std::string error;
  std::size_t sent = 0;  // calls that succeeded, in plan order
  if (!credentials_) {
    for (const auto& call : plan.calls) {
      log::info("cdn purge (no credentials, not sent): would purge", {{"body", call.body}});
      calls_.with({"logged"}).inc();
    }
    auto all = rows_needing(static_cast<int>(plan.calls.size()));
    co_await mark_done(db, all);
  } else {
    const milliseconds call_timeout = std::min(config_.outbound_timeout, config_.purge_claim_timeout / 2);
    CloudflareZone zone{config_.cloudflare_api_base_url, config_.cloudflare_zone_id, config_.cloudflare_api_token};
    auto& client = services_.get<http::OutboundClient>();
    for (; sent < plan.calls.size(); ++sent) {
      const std::size_t i = sent;
      bool still_held = co_await lease.keep();
      if (loop_.stopping() || !still_held) break;
      if (Clock::now() - claimed_at + call_timeout > config_.purge_claim_timeout) break;
      if (!bucket_.take(Clock::now())) break;
      const PurgeCall& call = plan.calls[i];
      auto outcome = co_await call_purge(client, zone, call.body, call_timeout);
      calls_.with({call_result_name(outcome.result)}).inc();
      if (outcome.result != CallResult::success) {
        if (outcome.result == CallResult::rate_limited) bucket_.drain(Clock::now());
        out.failed = true;
        out.retry_after = outcome.retry_after;
        error = outcome.error;
        log::warn("cdn purge failed; the rows stay pending",
                  {{"error", error},
                   {"status", outcome.status},
                   {"items", static_cast<std::int64_t>(call.items.size())},
                   {"retry_after_ms", outcome.retry_after ? outcome.retry_after->count() : 0}});
        break;
      }
      auto ids = rows_needing(static_cast<int>(i));
      log::info("cdn purge sent", {{"items", static_cast<std::int64_t>(call.items.size())},
                                   {"everything", call.everything},
                                   {"rows", static_cast<std::int64_t>(ids.size())}});
      auto lags = co_await mark_done(db, ids);
      for (double lag : lags) lag_.observe(lag);
    }
  }

  std::vector<std::int64_t> rest;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (done[i]) continue;
    rest.push_back(rows[i].id);
    // Cut short by the rate limit or a failure: keep only what is not purged
    // yet, so that the next cycle goes on where this one stopped.
    std::vector<std::string> left;
    for (std::size_t k = 0; k < row_tags[i].size(); ++k) {
      if (plan.tag_needs[i][k] >= static_cast<int>(sent)) left.push_back(row_tags[i][k]);
    }
    if (left.size() < row_tags[i].size()) co_await keep_tags(db, rows[i].id, left);
  }
  co_await release_rows(db, rest, out.failed ? &error : nullptr);
  if (!rest.empty() && !out.failed) out.more = true;
  co_return out;
}

}  // namespace wh::cdn
