// Sends the e-mail outbox (email_logs rows with status 'queued',
// mail_outbox.h) through Brevo (brevo_api.h), on one instance at a time
// (the "mail" lease, db/worker_lease.h).
//
// While it holds the lease the worker, in a loop:
// - claims up to MAIL_BATCH due rows (oldest first) and, one by one:
//   - opt-out kinds (preferences.h) go only to recipients who did not opt
//     out; the others are marked 'skipped' with the reason;
//   - renders the row's template with its variables (templates.h); an
//     unknown template or bad template_data is 'failed' at once;
//   - sends it: 2xx → 'sent' with Brevo's messageId; 4xx other than 429 →
//     'failed' with Brevo's reason; 429, 5xx or no answer → stays queued
//     with last_error, next attempt after MAIL_RETRY_MS doubling per attempt
//     up to MAIL_RETRY_MAX_MS (a longer Retry-After wins), 'failed' once
//     the row's max_attempts are used up;
// - after such a passing failure, pauses sending (the rest of the batch is
//   given back) until that retry is due, so an outage costs one attempt
//   per interval, not one per row;
// - sleeps until a 'mail' event (a row was queued: migrations/0011's
//   trigger, delivered by the change listener, wake()) or MAIL_POLL_MS.
// Without BREVO_API_KEY the worker does not run: rows stay 'queued' (in
// development the queuing code logs each e-mail with its links instead)
// and go out once a key is configured.
//
// Nothing is sent twice by two instances: only the lease holder claims,
// and a row is claimed with FOR UPDATE SKIP LOCKED and settled only while
// 'queued'. A crash mid-send leaves the row claimed for at most
// MAIL_CLAIM_TIMEOUT_MS; it is then sent again (Brevo may have accepted it:
// at-least-once).
//
// Metrics: wh_mail_sent_total, wh_mail_failed_total, wh_mail_skipped_total,
// wh_mail_retries_total, wh_mail_queue_depth, wh_mail_lease_held, and the
// template cache's wh_mail_template_cache_total{result}.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "core/task.h"
#include "core/wakeable_loop.h"
#include "mail/mail_outbox.h"
#include "mail/templates.h"
#include "metrics/registry.h"
#include "web/services.h"

namespace wh::db {
class Db;
class WorkerLease;
}  // namespace wh::db

namespace wh::mail {

class MailWorker {
 public:
  // Registers its metrics in `registry`. Uses services.pool and the
  // http::OutboundClient, both provided before run().
  MailWorker(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex);
  MailWorker(const MailWorker&) = delete;
  MailWorker& operator=(const MailWorker&) = delete;

  // Runs until stop(); returns at once without BREVO_API_KEY.
  Task<void> run();
  // A row was queued. Any thread.
  void wake() { loop_.wake(); }
  // Ends run() at its next step (a send in flight finishes first), which
  // releases the lease; then calls `done` once, after `max_wait` at the
  // latest. Any thread.
  void stop(std::chrono::milliseconds max_wait, std::function<void()> done) { loop_.stop(max_wait, std::move(done)); }

  bool enabled() const { return enabled_; }
  TemplateLibrary& templates() { return templates_; }

  // Variables every e-mail gets (shop name and links, the year, the
  // subject, and for opt-out kinds the signed unsubscribe link).
  static boost::json::object common_variables(const Config& config, const QueuedRow& row);

 private:
  using Clock = std::chrono::steady_clock;
  Task<void> loop();
  // Sends one batch; returns whether more rows may be due at once. Sets
  // `pause_until` after a passing failure.
  Task<bool> cycle(db::WorkerLease& lease, Clock::time_point& pause_until);
  // Settles one row; returns the pause a passing failure asks for.
  Task<std::optional<std::chrono::milliseconds>> deliver(db::Db& db, const QueuedRow& row);
  Task<void> refresh_depth();

  web::Services& services_;
  const Config& config_;
  bool enabled_;
  WakeableLoop loop_;
  TemplateLibrary templates_;

  metrics::Counter& sent_;
  metrics::Counter& failed_;
  metrics::Counter& skipped_;
  metrics::Counter& retries_;
  metrics::Gauge& depth_;
  metrics::Gauge& lease_held_;
};

}  // namespace wh::mail
