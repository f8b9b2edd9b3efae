#include "payments/payment_worker.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/concurrently.h"
#include "core/log.h"
#include "db/db.h"
#include "db/worker_lease.h"
#include "orders/payment_apply.h"
#include "payments/admin_alert.h"
#include "payments/paystack_client.h"
#include "payments/webhook_queue.h"

namespace wh::payments {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr const char* kLeaseName = "payments";

// refund.processed / refund.failed: the order being refunded for that
// transaction reference.
constexpr const char* kRefundEventSql =
    "UPDATE orders SET payment_status = $2, updated_at = now() AT TIME ZONE 'UTC' WHERE paystack_reference = $1"
    " AND payment_status IN ('refund_pending', 'refund_failed') AND payment_status <> $2 RETURNING id";

struct Outcome {
  std::string result;
  std::string order_id;
};

std::string reference_of(const json::object& data) {
  for (const char* key : {"reference", "transaction_reference"}) {
    if (const auto* v = data.if_contains(key); v != nullptr && v->is_string()) return std::string(v->as_string());
  }
  if (const auto* t = data.if_contains("transaction"); t != nullptr && t->is_object()) {
    if (const auto* v = t->as_object().if_contains("reference"); v != nullptr && v->is_string()) {
      return std::string(v->as_string());
    }
  }
  return "";
}

Task<Outcome> apply_event(web::Services& services, const QueuedEvent& e) {
  auto parsed = json::parse(e.payload);
  json::object data;
  if (const auto* d = parsed.as_object().if_contains("data"); d != nullptr && d->is_object()) data = d->as_object();
  std::string reference = reference_of(data);
  if (reference.empty()) co_return Outcome{"no_reference", ""};
  if (e.event == "refund.processed" || e.event == "refund.failed") {
    db::Db db(*services.pool, nullptr, db::Priority::background);
    std::string status = e.event == "refund.processed" ? "refunded" : "refund_failed";
    db::Params params{reference, status};
    auto r = co_await db.query(kRefundEventSql, std::move(params));
    co_return r.empty() ? Outcome{"no_change", ""} : Outcome{status, std::string(r.get(0, 0))};
  }
  Transaction tx = read_transaction(data);
  orders::PaymentReport report;
  report.reference = reference;
  report.success = e.event == "charge.success";
  report.amount = tx.amount;
  report.currency = tx.currency;
  report.channel = tx.channel;
  report.source = "webhook";
  auto applied = co_await orders::apply_payment(services, report, db::Priority::background);
  co_return Outcome{orders::applied_name(applied.applied), applied.order_id};
}

// The transaction reference of a queued event's payload ("" when it has none).
std::string reference_in(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return "";
  const auto* d = v.as_object().if_contains("data");
  return d != nullptr && d->is_object() ? reference_of(d->as_object()) : "";
}

std::vector<std::string> ids_of(const std::vector<QueuedEvent>& events) {
  std::vector<std::string> ids;
  ids.reserve(events.size());
  for (const auto& e : events) ids.push_back(e.id);
  return ids;
}

milliseconds backoff(const Config& c, int attempts_made) {
  auto d = c.payment_retry * (1LL << std::clamp(attempts_made - 1, 0, 20));
  return std::min<milliseconds>(d, c.payment_retry_max);
}

}  // namespace

PaymentWorker::PaymentWorker(web::Services& services, metrics::Registry& registry, boost::asio::any_io_executor ex)
    : services_(services),
      config_(services.config),
      loop_(std::move(ex)),
      events_(registry.counter("wh_payment_events_total", "Paystack webhook events settled, by result.", {"result"})),
      retries_(registry.counter("wh_payment_event_retries_total", "Webhook events that failed and will be retried.")
                   .with({})),
      lease_held_(registry.gauge("wh_payment_lease_held", "1 while this instance holds the payments lease.").with({})) {
}

Task<void> PaymentWorker::run() {
  co_await loop_.run([this] { return loop(); });
}

Task<void> PaymentWorker::loop() {
  // Wake-ups (a queued event) do not cut the start delay short.
  const auto start = std::chrono::steady_clock::now() + config_.payment_start_delay;
  while (!loop_.stopping() && std::chrono::steady_clock::now() < start) {
    co_await loop_.sleep(std::chrono::duration_cast<milliseconds>(start - std::chrono::steady_clock::now()));
  }
  db::WorkerLease lease(*services_.pool, kLeaseName, db::worker_owner_id(), config_.worker_lease_ttl);
  while (!loop_.stopping()) {
    milliseconds wait = config_.payment_poll;
    try {
      bool held = co_await lease.keep();
      lease_held_.set(held ? 1 : 0);
      if (!held) {
        wait = std::min(wait, lease.ttl() / 3);
      } else if (co_await cycle(lease)) {
        wait = milliseconds(0);
      }
    } catch (const std::exception& e) {
      wait = std::min(config_.payment_retry, config_.payment_poll);
      log::warn("payments: the database cannot be reached", {{"error", e.what()}, {"retry_ms", wait.count()}});
    }
    if (lease.held()) {
      auto renew = std::chrono::duration_cast<milliseconds>(lease.renew_due() - std::chrono::steady_clock::now());
      wait = std::clamp(renew, milliseconds(0), wait);
    }
    if (wait.count() > 0) co_await loop_.sleep(wait);
  }
  co_await lease.release();
  lease_held_.set(0);
}

Task<bool> PaymentWorker::cycle(db::WorkerLease& lease) {
  db::Db db(*services_.pool, nullptr, db::Priority::background);
  auto events = co_await claim_events(db, config_.payment_batch, config_.payment_claim_timeout);
  if (events.empty()) co_return false;
  bool held = co_await lease.keep();
  if (!held) {
    co_await release_event_claims(db, ids_of(events));
    co_return false;
  }
  // One lane per reference (hashed), each in arrival order.
  std::vector<std::vector<std::size_t>> lanes(kLanes);
  for (std::size_t i = 0; i < events.size(); ++i) {
    lanes[std::hash<std::string>{}(reference_in(events[i].payload)) % kLanes].push_back(i);
  }
  std::vector<char> settled(events.size(), 0);
  std::vector<std::function<Task<void>()>> work;
  for (const auto& lane : lanes) {
    if (lane.empty()) continue;
    work.emplace_back([this, &lane, &events, &settled, &lease, &db]() -> Task<void> {
      for (std::size_t i : lane) {
        if (loop_.stopping() || !lease.held()) co_return;
        co_await settle(db, events[i]);
        settled[i] = 1;
      }
    });
  }
  co_await run_concurrently(std::move(work));
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (settled[i] == 0) rest.push_back(events[i].id);
  }
  co_await release_event_claims(db, rest);
  co_return events.size() == static_cast<std::size_t>(config_.payment_batch);
}

Task<void> PaymentWorker::settle(db::Db& db, const QueuedEvent& e) {
  std::string error;
  try {
    auto outcome = co_await apply_event(services_, e);
    const std::string status = outcome.result == "no_reference" ? "ignored" : "processed";
    co_await mark_processed(db, e.id, status, outcome.result, outcome.order_id);
    events_.with({outcome.result}).inc();
    log::info("payment event applied", {{"event_id", e.id}, {"event", e.event}, {"result", outcome.result}});
    co_return;
  } catch (const std::exception& ex) {
    error = ex.what();
  }
  const int attempts = e.attempts + 1;
  if (attempts < config_.payment_max_attempts) {
    auto delay = backoff(config_, attempts);
    co_await schedule_event_retry(db, e.id, error, delay);
    retries_.inc();
    log::warn("payment event failed; will retry",
              {{"event_id", e.id}, {"error", error}, {"attempt", attempts}, {"retry_ms", delay.count()}});
    co_return;
  }
  std::string reason = "gave up after " + std::to_string(attempts) + " attempts: " + error;
  co_await db.transaction([&](db::Tx& tx) -> Task<void> {
    AdminAlert alert;
    alert.type = "webhook_failed";
    alert.title = "A Paystack webhook could not be applied";
    alert.message =
        "A payment event was received but could not be applied to its order. Check the order and "
        "Paystack, then settle it by hand (verify-payment).";
    alert.details = {{"Event", e.event}, {"Event id", e.id}, {"Error", reason}};
    co_await alert_admins(tx, config_, alert);
  });
  co_await mark_event_failed(db, e.id, reason);
  events_.with({"failed"}).inc();
  log::error("payment event failed", {{"event_id", e.id}, {"event", e.event}, {"error", reason}});
}

}  // namespace wh::payments
