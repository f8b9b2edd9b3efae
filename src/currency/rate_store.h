// The stored rates (`currency_rates`, base GHS) as the refresher sees them.
// Requests read the table themselves (currency_routes.cc).
#pragma once
#include <chrono>
#include <optional>

#include "core/task.h"
#include "currency/rate_provider.h"
#include "db/db.h"

namespace wh::currency {

// How long ago the oldest supported rate was stored (by the database's
// clock, so every instance agrees); nullopt when one is missing.
Task<std::optional<std::chrono::milliseconds>> stored_age(db::Db& db);

// Upserts, in one statement, the supported currencies and those already in
// the table; other codes of `rates` are ignored. Returns the rows written.
Task<long> save_rates(db::Db& db, const RateList& rates);

}  // namespace wh::currency
