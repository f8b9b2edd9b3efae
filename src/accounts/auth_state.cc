#include "accounts/auth_state.h"

#include "core/crypto.h"

namespace wh::accounts {

std::optional<Principal> PrincipalCache::get(const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(user_id);
  if (it == entries_.end() || it->second.expires <= std::chrono::steady_clock::now()) {
    ++counters_.misses;
    return std::nullopt;
  }
  ++counters_.hits;
  return it->second.principal;
}

void PrincipalCache::put(const Principal& p) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_ && entries_.find(p.id) == entries_.end()) {
    // Bounded: drop expired entries, else an arbitrary one.
    auto now = std::chrono::steady_clock::now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }
    if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
    ++counters_.evictions;
  }
  entries_[p.id] = Entry{p, std::chrono::steady_clock::now() + ttl_};
}

void PrincipalCache::invalidate(const std::string& user_id) {
  std::lock_guard lock(mu_);
  entries_.erase(user_id);
  ++counters_.invalidations;
}

void PrincipalCache::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  ++counters_.invalidations;
}

CacheCounters PrincipalCache::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::size_t PrincipalCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
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
