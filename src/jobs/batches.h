// Repeats one set-based statement in batches, so that a big backlog never
// holds its locks for long: each statement changes at most `batch` rows
// (its $1 is the batch size, LIMIT $1 inside) and commits on its own.
#pragma once
#include "core/task.h"
#include "db/params.h"
#include "db/sql_now.h"
#include "jobs/job.h"

namespace wh::jobs {

// Runs `sql` with parameters (batch, extra...) until it changes fewer than
// `batch` rows or ctx.expired(); returns the rows changed.
Task<long long> in_batches(JobContext& ctx, const char* sql, long long batch, db::Params extra = {});

}  // namespace wh::jobs
