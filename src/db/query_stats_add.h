// Adds one QueryStats into another: for work whose statements are counted
// apart from the request and charged to it afterwards (a cache loader may
// outlive the request that started it, so it cannot write ctx.stats).
#pragma once
#include <algorithm>

#include "db/db.h"

namespace wh::db {

inline void add_stats(QueryStats& to, const QueryStats& from) {
  to.statements += from.statements;
  to.round_trips += from.round_trips;
  to.db_us += from.db_us;
  to.wait_us += from.wait_us;
  to.max_repeat = std::max(to.max_repeat, from.max_repeat);
}

}  // namespace wh::db
