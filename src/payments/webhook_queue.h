// The statements of the Paystack webhook queue (wh_payment_events,
// migrations/0012): recording a verified event, claiming queued events for
// the payment worker and settling them, and the admin log. Each is one
// short statement; nothing is held open while an event is applied.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/task.h"

namespace wh::db {
class Db;
}

namespace wh::payments {

// The events the worker applies; any other is recorded as 'ignored'.
bool handled_event(std::string_view event);

struct IncomingEvent {
  std::string event;
  std::string key;        // the event's identity (unique)
  std::string reference;  // data.reference ("" when absent)
  std::string payload;    // the raw JSON body
};

// Reads a verified body: nullopt when it is not a JSON object with a
// string "event".
std::optional<IncomingEvent> read_event(std::string_view body);

// Inserts the event (queued, or ignored when not handled); false when an
// event with its key was recorded before (a replay).
Task<bool> record_event(db::Db& db, const IncomingEvent& event);

struct QueuedEvent {
  std::string id;
  std::string event;
  std::string payload;  // JSON text
  int attempts = 0;     // before this one
};

// Claims up to `limit` due queued events, oldest first, for `claim_for`
// (FOR UPDATE SKIP LOCKED; a claim that passed is taken again).
Task<std::vector<QueuedEvent>> claim_events(db::Db& db, int limit, std::chrono::milliseconds claim_for);
// processed (or ignored) with what applying did and the order it touched.
Task<void> mark_processed(db::Db& db, const std::string& id, std::string_view status, std::string_view result,
                          const std::string& order_id);
// Stays queued: one more attempt, next after `delay`, `error` kept.
Task<void> schedule_event_retry(db::Db& db, const std::string& id, const std::string& error,
                                std::chrono::milliseconds delay);
// Gave up: failed with `error`.
Task<void> mark_event_failed(db::Db& db, const std::string& id, const std::string& error);
// Gives claimed events back untouched.
Task<void> release_event_claims(db::Db& db, const std::vector<std::string>& ids);

}  // namespace wh::payments
