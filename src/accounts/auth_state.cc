#include "accounts/auth_state.h"

#include <algorithm>

#include "core/crypto.h"

namespace wh::accounts {

namespace {
constexpr std::chrono::milliseconds kTombstoneLife{60000};
}  // namespace

std::optional<Principal> PrincipalCache::get(const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(user_id);
  if (it == entries_.end() || !it->second.principal || it->second.expires <= std::chrono::steady_clock::now()) {
    ++counters_.misses;
    return std::nullopt;
  }
  ++counters_.hits;
  return it->second.principal;
}

PrincipalCache::Ticket PrincipalCache::ticket() const {
  std::lock_guard lock(mu_);
  return generation_;
}

// Called with mu_ held when a new key needs a slot: drops expired entries,
// else an arbitrary one. A dropped tombstone raises the floor.
void PrincipalCache::make_room(std::chrono::steady_clock::time_point now) {
  auto drop = [&](std::unordered_map<std::string, Entry>::iterator it) {
    if (it->second.principal) {
      --principals_;
    } else {
      floor_ = std::max(floor_, it->second.invalidated);
    }
    return entries_.erase(it);
  };
  for (auto it = entries_.begin(); it != entries_.end();) {
    // An expired tombstone outlived every load that could race with it.
    it = it->second.expires <= now ? drop(it) : std::next(it);
  }
  if (entries_.size() >= max_entries_) {
    drop(entries_.begin());
    ++counters_.evictions;
  }
}

bool PrincipalCache::put(const Principal& p, Ticket ticket) {
  std::lock_guard lock(mu_);
  if (ticket < floor_) return false;
  auto now = std::chrono::steady_clock::now();
  auto it = entries_.find(p.id);
  if (it != entries_.end() && !it->second.principal && it->second.invalidated > ticket && it->second.expires > now) {
    return false;  // invalidated while this value was being read
  }
  if (it == entries_.end()) {
    if (entries_.size() >= max_entries_) make_room(now);
    it = entries_.emplace(p.id, Entry{}).first;
  }
  if (!it->second.principal) ++principals_;
  it->second = Entry{p, now + ttl_, 0};
  return true;
}

void PrincipalCache::invalidate(const std::string& user_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  ++counters_.invalidations;
  auto now = std::chrono::steady_clock::now();
  auto it = entries_.find(user_id);
  if (it == entries_.end()) {
    if (entries_.size() >= max_entries_) make_room(now);
    it = entries_.emplace(user_id, Entry{}).first;
  } else if (it->second.principal) {
    --principals_;
  }
  // A tombstone outlives any load that may race with it (loads are bounded by
  // statement timeouts of a few seconds).
  it->second = Entry{std::nullopt, now + std::max<std::chrono::milliseconds>(ttl_, kTombstoneLife), generation_};
}

void PrincipalCache::clear() {
  std::lock_guard lock(mu_);
  ++generation_;
  floor_ = generation_;
  entries_.clear();
  principals_ = 0;
  ++counters_.invalidations;
}

CacheCounters PrincipalCache::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::size_t PrincipalCache::size() const {
  std::lock_guard lock(mu_);
  return principals_;
}

bool RevokedTokens::contains_token(std::string_view token) const { return contains_hash(sha256_hex(token)); }

bool RevokedTokens::contains_hash(const std::string& hash) const {
  std::lock_guard lock(mu_);
  return hashes_.count(hash) > 0;
}

void RevokedTokens::add_hash(const std::string& hash, std::int64_t expires_at_unix) {
  std::lock_guard lock(mu_);
  hashes_[hash] = expires_at_unix;
}

void RevokedTokens::replace(std::unordered_map<std::string, std::int64_t> hashes) {
  std::lock_guard lock(mu_);
  hashes_ = std::move(hashes);
}

void RevokedTokens::prune(std::int64_t now_unix) {
  std::lock_guard lock(mu_);
  for (auto it = hashes_.begin(); it != hashes_.end();) {
    it = it->second != 0 && it->second < now_unix ? hashes_.erase(it) : std::next(it);
  }
}

std::size_t RevokedTokens::size() const {
  std::lock_guard lock(mu_);
  return hashes_.size();
}

}  // namespace wh::accounts
