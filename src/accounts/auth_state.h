// In-process authentication state shared by all requests:
// - PrincipalCache: user id -> the fields every authenticated request checks
//   (role, active, last password change). Short TTL, invalidated by our own
//   writes at once and by database notifications (any writer) within ms.
// - RevokedTokens: hashes of blacklisted JWTs, loaded at start-up and kept
//   current by notifications, so a lookup costs no database round trip.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
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
  std::int64_t password_changed_at = 0;  // unix seconds (floor); 0 = never
  std::string user_json;                 // the public user object (/auth/me)
};

struct CacheCounters {
  std::uint64_t hits = 0, misses = 0, invalidations = 0, evictions = 0;
};

class PrincipalCache {
 public:
  PrincipalCache(std::chrono::milliseconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}
  std::optional<Principal> get(const std::string& user_id);
  void put(const Principal& p);
  void invalidate(const std::string& user_id);
  void clear();
  CacheCounters counters() const;
  std::size_t size() const;

 private:
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  CacheCounters counters_;
};

class RevokedTokens {
 public:
  // True when sha256(token) is revoked.
  bool contains_token(std::string_view token) const;
  bool contains_hash(const std::string& hash) const;
  void add_hash(const std::string& hash, std::int64_t expires_at_unix);
  // Replaces the whole set (after a reload) and drops expired entries.
  void replace(std::unordered_map<std::string, std::int64_t> hashes);
  void prune(std::int64_t now_unix);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::int64_t> hashes_;  // hash -> expiry
};

struct AuthState {
  AuthState(std::chrono::milliseconds principal_ttl, std::size_t max_principals)
      : principals(principal_ttl, max_principals) {}
  PrincipalCache principals;
  RevokedTokens revoked;
  // True while the change listener is connected and has loaded the revoked
  // set: only then are the caches trusted. Otherwise every check asks the DB.
  std::atomic<bool> live{false};
};

}  // namespace wh::accounts
