#include "jobs/batches.h"

namespace wh::jobs {

Task<long long> in_batches(JobContext& ctx, const char* sql, long long batch, db::Params extra) {
  long long total = 0;
  for (;;) {
    db::Params params{batch};
    params.insert(params.end(), extra.begin(), extra.end());
    auto r = co_await ctx.db.query(sql, std::move(params));
    total += r.affected();
    if (r.affected() < batch || ctx.expired()) break;
  }
  co_return total;
}

}  // namespace wh::jobs
