// The one lease mechanism of the background workers (edge purge; the mail
// worker and the job scheduler later): at most one instance runs a named job
// at a time, and another takes over once the holder stops renewing.
//
// A lease is a row of wh_leases (migrations/0009): name, owner, expires_at.
// It is taken and renewed by one short INSERT ... ON CONFLICT DO UPDATE
// statement each time, never by a transaction or a session lock held while
// working: Neon counts idle-in-transaction connections as active (the compute
// never suspends) and PgBouncer's transaction mode has no session locks. The
// database's clock decides expiry, so instance clocks need not agree.
//
// The holder renews every ttl/3 (keep()); it considers the lease its own
// only until `sent + ttl - ttl/10` by its own clock, where `sent` is when its
// last successful renewal left this process, so it stops before anyone else
// can start. Work done under a lease must be safe to repeat: a holder that
// stalls longer than ttl (a GC-free but swapped-out process, a network
// partition) may overlap with its successor for one step. release() on clean
// shutdown lets another instance take over at once; after a crash it takes
// over when the lease expires.
//
// Used by one coroutine at a time.
#pragma once
#include <chrono>
#include <string>

#include "core/task.h"

namespace wh::db {

class Pool;

class WorkerLease {
 public:
  using Clock = std::chrono::steady_clock;

  WorkerLease(Pool& pool, std::string name, std::string owner, std::chrono::milliseconds ttl);

  // Takes the lease when it is free or expired, or renews it when this owner
  // holds it. Returns whether this owner holds it now. Throws DbError or
  // ApiError (503) when the database cannot be asked; held() is then false
  // once the last renewal's time is up.
  Task<bool> acquire();
  // acquire() when a renewal is due (ttl/3 after the last one) or the lease
  // is not held; otherwise held(), without a statement.
  Task<bool> keep();
  // Whether this owner holds the lease, by the local clock.
  bool held() const { return Clock::now() < held_until_; }
  // When keep() will next run a statement.
  Clock::time_point renew_due() const { return held() ? renew_due_ : Clock::now(); }
  // Gives the lease up (it expires now) if this owner holds it. Never throws.
  Task<void> release();

  const std::string& name() const { return name_; }
  const std::string& owner() const { return owner_; }
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  Pool& pool_;
  std::string name_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
  Clock::time_point held_until_{};
  Clock::time_point renew_due_{};
};

// An owner id unique to this process: "<host>:<pid>:<random>".
std::string worker_owner_id();

}  // namespace wh::db
