// Sends the purge outbox (migrations/0009, purge_outbox.h) to Cloudflare,
// on one instance at a time (the "cdn-purge" lease, db/worker_lease.h).
//
// While it holds the lease the worker, in a loop:
// - claims pending rows (oldest first), plans the fewest calls for their
//   tags (purge_plan.h: deduplicated, at most CLOUDFLARE_PURGE_MAX_ITEMS a
//   call, `catalog` instead of many catalog tags when the rate limit is
//   short of calls and CLOUDFLARE_PURGE_COLLAPSE is on) and sends them in
//   order (cloudflare_api.h), each spending a token of a local bucket that
//   mirrors the plan's limit (CLOUDFLARE_PURGE_BURST tokens, refilled at
//   CLOUDFLARE_PURGE_RATE_PER_MIN);
// - marks a row done only once every call its tags need has succeeded (2xx
//   with "success": true) and observes its purge lag; gives every other
//   claimed row back at once;
// - after a failure waits (CLOUDFLARE_PURGE_RETRY_MS, doubling up to
//   CLOUDFLARE_PURGE_RETRY_MAX_MS; a 429's Retry-After when longer) and
//   empties the bucket on a 429;
// - sleeps until a trigger's 'purge' event (wake(), from the change
//   listener) or CLOUDFLARE_PURGE_POLL_MS; after a wake-up it gathers
//   until no new row came for CLOUDFLARE_PURGE_DELAY_MS (at most four
//   times that), so a burst of writes shares its calls;
// - deletes rows done more than CLOUDFLARE_PURGE_RETENTION ago.
// Without CLOUDFLARE_API_TOKEN or CLOUDFLARE_ZONE_ID it logs what it would
// purge and marks the rows done. CLOUDFLARE_PURGE_MODE=off: no worker on
// this instance (rows wait for another one).
//
// Nothing is lost: a row is done only after Cloudflare confirmed its purge.
// A crash leaves rows claimed for at most CLOUDFLARE_PURGE_CLAIM_TIMEOUT_MS
// and the lease held for at most WORKER_LEASE_TTL_MS; purges are idempotent,
// so one sent twice costs only a call.
//
// Metrics: wh_cdn_purge_lag_seconds, wh_cdn_purge_outbox_pending,
// wh_cdn_purge_outbox_oldest_seconds, wh_cdn_purge_api_calls_total{result},
// wh_cdn_purge_lease_held.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "cdn/purge_plan.h"
#include "cdn/token_bucket.h"
#include "core/task.h"
#include "core/wakeable_loop.h"
#include "metrics/registry.h"
#include "web/services.h"

namespace wh::db {
class WorkerLease;
}

namespace wh::cdn {

class PurgeWorker {
 public:
  // Registers its metrics in `registry`. Uses services.pool and the
  // http::OutboundClient, both provided before run().
  PurgeWorker(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex);
  PurgeWorker(const PurgeWorker&) = delete;
  PurgeWorker& operator=(const PurgeWorker&) = delete;

  // Runs until stop(); returns at once when CLOUDFLARE_PURGE_MODE=off.
  Task<void> run();
  // A new outbox row was committed. Any thread.
  void wake();
  // Ends run() at its next step (a call in flight finishes first), which
  // releases the lease; then calls `done`, exactly once, after `max_wait` at
  // the latest. Any thread.
  void stop(std::chrono::milliseconds max_wait, std::function<void()> done);

  bool enabled() const { return enabled_; }

 private:
  struct CycleResult {
    bool claimed = false;  // there were pending rows
    bool more = false;     // rows are left that could go now
    bool failed = false;
    std::optional<std::chrono::milliseconds> retry_after;
  };
  Task<void> loop();
  Task<CycleResult> cycle(db::WorkerLease& lease);
  Task<void> refresh_depth();

  web::Services& services_;
  const Config& config_;
  bool enabled_;
  bool credentials_;
  PlanOptions plan_options_;
  WakeableLoop loop_;  // the strand, the wakeable sleep and stop()
  TokenBucket bucket_;

  metrics::Histogram& lag_;
  metrics::Gauge& pending_;
  metrics::Gauge& oldest_;
  metrics::Gauge& lease_held_;
  metrics::CounterFamily& calls_;
};

}  // namespace wh::cdn
