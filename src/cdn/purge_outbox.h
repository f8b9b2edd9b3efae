// The statements of the purge outbox (wh_purge_outbox, migrations/0009):
// claiming pending rows, marking them done, giving them back, pruning done
// ones and measuring the backlog. Each is one short statement on a pooled
// connection: nothing is held open while Cloudflare is called.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/task.h"

namespace wh::db {
class Db;
}

namespace wh::cdn {

struct OutboxRow {
  std::int64_t id = 0;
  std::vector<std::string> tags;
};

// Claims up to `limit` pending rows, oldest first, for `claim_for`: rows
// that are done or claimed by someone else until later are skipped
// (FOR UPDATE SKIP LOCKED keeps two claimers apart). A row whose claim
// passed without being marked done (its worker died) is claimed again.
Task<std::vector<OutboxRow>> claim_rows(db::Db& db, int limit, std::chrono::milliseconds claim_for);

// Marks `ids` done; returns, per row newly done, the seconds from its
// creation to now (the purge lag), by the database's clock.
Task<std::vector<double>> mark_done(db::Db& db, const std::vector<std::int64_t>& ids);

// Makes `ids` pending again at once. With `error` the send failed: their
// attempts grow and `error` is kept as last_error.
Task<void> release_rows(db::Db& db, const std::vector<std::int64_t>& ids, const std::string* error);

// Replaces the tags of pending row `id` with `tags`: the rest of a row
// whose other tags were purged already.
Task<void> keep_tags(db::Db& db, std::int64_t id, const std::vector<std::string>& tags);

// Deletes up to `limit` rows done more than `retention` ago; returns how many.
Task<long> prune_done(db::Db& db, std::chrono::seconds retention, int limit);

struct OutboxDepth {
  long pending = 0;           // not done (counted up to 100,000)
  double oldest_seconds = 0;  // age of the oldest pending row
};
Task<OutboxDepth> outbox_depth(db::Db& db);

}  // namespace wh::cdn
