// Applies the Paystack webhook queue (wh_payment_events, webhook_queue.h)
// on one instance at a time (the "payments" lease, db/worker_lease.h).
//
// While it holds the lease the worker, in a loop:
// - claims up to PAYMENT_BATCH due events (oldest first) and applies each:
//   charge.success / charge.failed through orders::apply_payment() (the one
//   place a payment result changes an order), refund.processed /
//   refund.failed on the order being refunded; marks the event 'processed'
//   with what applying did (result: paid, already_settled, amount_mismatch,
//   refund_pending, failed, ignored, unknown_order, ...). Events of
//   different references are applied kLanes at a time (their orders are
//   independent; each step is a database round trip); the events of one
//   reference stay on one lane, in the order they arrived;
// - an event that throws (the database or Paystack unreachable) stays
//   queued with the error, next attempt after PAYMENT_RETRY_MS doubling per
//   attempt up to PAYMENT_RETRY_MAX_MS; after PAYMENT_MAX_ATTEMPTS it is
//   'failed' and the admins are alerted;
// - sleeps until a 'payments' event (an event was queued: migration 0012's
//   trigger, delivered by the change listener, wake()) or PAYMENT_POLL_MS.
// PAYMENT_WORKER_START_DELAY_MS delays the first claim (the crash test
// kills the process in that window).
//
// At-least-once: a crash mid-apply leaves the event claimed for at most
// PAYMENT_CLAIM_TIMEOUT_MS, then it is applied again; apply_payment() is
// idempotent (a second success for a paid order changes nothing).
//
// Metrics: wh_payment_events_total{result}, wh_payment_event_retries_total,
// wh_payment_lease_held.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>

#include "core/task.h"
#include "core/wakeable_loop.h"
#include "metrics/registry.h"
#include "web/services.h"

namespace wh::db {
class Db;
class WorkerLease;
}  // namespace wh::db

namespace wh::payments {

struct QueuedEvent;

class PaymentWorker {
 public:
  PaymentWorker(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex);
  PaymentWorker(const PaymentWorker&) = delete;
  PaymentWorker& operator=(const PaymentWorker&) = delete;

  // Runs until stop().
  Task<void> run();
  // An event was queued. Any thread.
  void wake() { loop_.wake(); }
  // Ends run() at its next step, releasing the lease; calls `done` once,
  // after `max_wait` at the latest. Any thread.
  void stop(std::chrono::milliseconds max_wait, std::function<void()> done) { loop_.stop(max_wait, std::move(done)); }

 private:
  Task<void> loop();
  // Applies one batch; returns whether more events may be due at once.
  static constexpr std::size_t kLanes = 4;  // of the pool's connections, at most this many for payments
  Task<bool> cycle(db::WorkerLease& lease);
  Task<void> settle(db::Db& db, const QueuedEvent& event);

  web::Services& services_;
  const Config& config_;
  WakeableLoop loop_;
  metrics::CounterFamily& events_;
  metrics::Counter& retries_;
  metrics::Gauge& lease_held_;
};

}  // namespace wh::payments
