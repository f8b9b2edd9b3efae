// In-process authentication state shared by all requests:
// - PrincipalCache: user id -> the fields every authenticated request checks
//   (role, active, last password change). Short TTL, invalidated by our own
//   writes at once and by database notifications (any writer) within ms.
// - RevokedTokens: hashes of revoked *access* tokens, loaded when the change
//   listener connects and kept current by notifications and an incremental
//   poll, so a lookup costs no database round trip. Spent refresh tokens are
//   not held here: the atomic insert into blacklisted_tokens decides reuse.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "web/identity.h"

namespace wh::accounts {

// The caller as the accounts module knows it: the neutral identity every
// module sees, plus what only authentication needs.
struct Principal : web::Identity {
  std::int64_t password_changed_ms = 0;  // unix milliseconds; 0 = never
  std::string user_json;                 // the public user object (/auth/me)
};

struct CacheCounters {
  std::uint64_t hits = 0, misses = 0, invalidations = 0, evictions = 0;
};

// A load races with invalidations: a principal read from the database before
// an invalidation must not be stored after it, or the cache would serve the
// old state (say, an active account that was just deactivated) for a whole
// TTL. So a loader takes a ticket before it reads, and put() drops the value
// when the key (or the whole cache) was invalidated after that ticket:
//
//   auto ticket = cache.ticket();
//   Principal p = <read from the database>;
//   cache.put(p, ticket);  // false, nothing stored, if invalidated meanwhile
//
// Invalidation leaves a tombstone holding its generation for at least a
// minute (longer than any load); evicting a tombstone early raises a floor below which no
// ticket may store, so bounded memory never loses an invalidation.
class PrincipalCache {
 public:
  using Ticket = std::uint64_t;

  PrincipalCache(std::chrono::milliseconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}
  std::optional<Principal> get(const std::string& user_id);
  Ticket ticket() const;
  // Stores `p` unless p.id or the cache was invalidated after `ticket`.
  bool put(const Principal& p, Ticket ticket);
  void invalidate(const std::string& user_id);
  void clear();
  CacheCounters counters() const;
  std::size_t size() const;  // principals held (tombstones not counted)

 private:
  struct Entry {
    std::optional<Principal> principal;  // nullopt: tombstone
    std::chrono::steady_clock::time_point expires;
    Ticket invalidated = 0;  // generation of the tombstone
  };
  void make_room(std::chrono::steady_clock::time_point now);

  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  Ticket generation_ = 0;  // bumped by every invalidation
  Ticket floor_ = 0;       // tickets older than this may not store
  std::size_t principals_ = 0;
  CacheCounters counters_;
};

class RevokedTokens {
 public:
  // True when sha256(token) is revoked.
  bool contains_token(std::string_view token) const;
  bool contains_hash(const std::string& hash) const;
  void add_hash(const std::string& hash, std::int64_t expires_at_unix);
  // Replaces the whole set (after the listener (re)connects).
  void replace(std::unordered_map<std::string, std::int64_t> hashes);
  // Drops entries whose token has expired (an expired token is refused anyway).
  void prune(std::int64_t now_unix);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> hashes_;  // hash -> expiry
};

// A principal read in progress (accounts/authenticate.cc).
struct PrincipalFlight;

struct AuthState {
  AuthState(std::chrono::milliseconds principal_ttl, std::size_t max_principals)
      : principals(principal_ttl, max_principals) {}
  PrincipalCache principals;
  // Single flight for principal reads: concurrent misses on one user (after
  // an invalidation, or when the entry expires under load) wait for one
  // read instead of each queueing its own on the pool.
  std::mutex flights_mu;
  std::unordered_map<std::string, std::shared_ptr<PrincipalFlight>> flights;
  RevokedTokens revoked;
  // True while the change listener is connected and has loaded the revoked
  // set: only then are the caches trusted. Otherwise every check asks the DB.
  std::atomic<bool> live{false};
  // blacklisted_tokens rows the listener has read (full and incremental
  // loads): shows that a poll reads only what is new.
  std::atomic<std::uint64_t> revocation_rows_read{0};
};

}  // namespace wh::accounts
