#include "db/worker_lease.h"

#include <unistd.h>

#include "core/ids.h"
#include "core/log.h"
#include "db/db.h"
#include "db/pool.h"

namespace wh::db {

namespace {

// Takes a free or expired lease, or renews this owner's; returns a row only
// when `owner` holds it afterwards. The row lock of ON CONFLICT makes two
// contenders wait for each other, and the loser sees the winner's row.
constexpr const char* kAcquireSql =
    "INSERT INTO wh_leases AS l (name, owner, expires_at, acquired_at)"
    " VALUES ($1, $2, now() + make_interval(secs => $3::double precision), now())"
    " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at,"
    " acquired_at = CASE WHEN l.owner = EXCLUDED.owner THEN l.acquired_at ELSE EXCLUDED.acquired_at END"
    " WHERE l.owner = EXCLUDED.owner OR l.expires_at <= now()"
    " RETURNING l.owner";

constexpr const char* kReleaseSql = "UPDATE wh_leases SET expires_at = now() WHERE name = $1 AND owner = $2";

}  // namespace

WorkerLease::WorkerLease(Pool& pool, std::string name, std::string owner, std::chrono::milliseconds ttl)
    : pool_(pool), name_(std::move(name)), owner_(std::move(owner)), ttl_(ttl) {}

Task<bool> WorkerLease::acquire() {
  const bool had = held();
  const auto sent = Clock::now();
  Db db(pool_, nullptr, Priority::background);
  db::Params params{name_, owner_, std::to_string(static_cast<double>(ttl_.count()) / 1000.0)};
  // A failure throws: the lease stays held until its local time is up.
  Result r = co_await db.query(kAcquireSql, params);
  if (r.empty()) {
    if (had) log::warn("worker lease lost", {{"lease", name_}, {"owner", owner_}});
    held_until_ = {};
    co_return false;
  }
  held_until_ = sent + ttl_ - ttl_ / 10;
  renew_due_ = sent + ttl_ / 3;
  if (!had) log::info("worker lease taken", {{"lease", name_}, {"owner", owner_}, {"ttl_ms", ttl_.count()}});
  co_return true;
}

Task<bool> WorkerLease::keep() {
  if (held() && Clock::now() < renew_due_) co_return true;
  co_return co_await acquire();
}

Task<void> WorkerLease::release() {
  if (!held()) co_return;
  held_until_ = {};
  try {
    Db db(pool_, nullptr, Priority::background);
    db::Params params{name_, owner_};
    co_await db.query(kReleaseSql, params);
    log::info("worker lease released", {{"lease", name_}, {"owner", owner_}});
  } catch (const std::exception& e) {
    log::warn("worker lease not released; it expires by itself", {{"lease", name_}, {"error", e.what()}});
  }
}

std::string worker_owner_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + random_hex(4);
}

}  // namespace wh::db
