// The statements of the e-mail outbox (email_logs, migrations/0001 and
// 0011): claiming queued rows, recording what became of each, giving rows
// back and measuring the queue. Each is one short statement on a pooled
// connection: nothing is held open while Brevo is called. Every update
// applies only to a row still 'queued', so a row is never sent twice by
// two claimers and never re-opened once settled.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/task.h"
#include "mail/preferences.h"

namespace wh::db {
class Db;
}

namespace wh::mail {

struct QueuedRow {
  std::string id;
  std::string type;
  std::string to;
  std::string subject;
  std::string template_data;  // JSON text: {"template": name, "variables": {...}} ("null" when absent)
  int attempts = 0;           // attempt_count before this attempt
  int max_attempts = 3;
};

// Claims up to `limit` queued rows that are due (next_attempt_at passed or
// unset), oldest first, for `claim_for`: rows claimed by someone else until
// later are skipped (FOR UPDATE SKIP LOCKED keeps two claimers apart); a
// row whose claim passed (its worker died) is claimed again.
Task<std::vector<QueuedRow>> claim_queued(db::Db& db, int limit, std::chrono::milliseconds claim_for);

// status 'sent', sent_at now, Brevo's message id, one more attempt.
Task<void> mark_sent(db::Db& db, const std::string& id, const std::string& message_id);
// status 'failed' with `reason`; `attempted`: this try counts as an attempt.
Task<void> mark_failed(db::Db& db, const std::string& id, const std::string& reason, bool attempted);
// status 'skipped' with `reason` (the recipient opted out).
Task<void> mark_skipped(db::Db& db, const std::string& id, const std::string& reason);
// Stays queued; one more attempt, `error` kept, next attempt after `delay`.
Task<void> schedule_retry(db::Db& db, const std::string& id, const std::string& error, std::chrono::milliseconds delay);
// Gives claimed rows back untouched (not attempted).
Task<void> release_claims(db::Db& db, const std::vector<std::string>& ids);

// The recipient's email_preferences, found by address or by the account
// with that address; several rows combine to the strictest.
Task<Preferences> load_preferences(db::Db& db, const std::string& email);

// Queued rows (counted up to 100,000).
Task<long> queue_depth(db::Db& db);

}  // namespace wh::mail
