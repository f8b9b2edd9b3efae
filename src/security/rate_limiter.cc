#include "security/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "security/client_ip.h"

namespace wh::security {

namespace {
constexpr std::size_t kShards = 16;
}

RateLimiter::RateLimiter(std::size_t max_keys, int ipv6_prefix)
    : shards_(kShards), max_per_shard_(std::max<std::size_t>(1, max_keys / kShards)), ipv6_prefix_(ipv6_prefix) {}

std::string RateLimiter::bucket_key(const RatePolicy& p, std::string_view key) const {
  // Only text with a ':' can be an IPv6 address (plain or IPv4-mapped);
  // e-mails, user ids and IPv4 addresses are used as they are.
  if (key.find(':') != std::string_view::npos) {
    if (auto net = client_network(key, ipv6_prefix_)) return p.name + '|' + *net;
  }
  return p.name + '|' + std::string(key);
}

RateLimiter::Shard& RateLimiter::shard_for(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

void RateLimiter::refill(Bucket& b, const RatePolicy& p, Clock::time_point t) {
  double per_second = static_cast<double>(p.limit) / static_cast<double>(p.window.count());
  double elapsed = std::chrono::duration<double>(t - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min<double>(p.limit, b.tokens + elapsed * per_second);
    b.last = t;
  }
}

RateDecision RateLimiter::take(const RatePolicy& p, std::string_view key) {
  std::string k = bucket_key(p, key);
  Shard& s = shard_for(k);
  auto t = now();
  std::lock_guard lock(s.mu);
  auto it = s.buckets.find(k);
  if (it == s.buckets.end()) {
    if (s.buckets.size() >= max_per_shard_) {
      s.buckets.erase(s.lru.back());
      s.lru.pop_back();
    }
    s.lru.push_front(k);
    it = s.buckets.emplace(k, Bucket{static_cast<double>(p.limit), t, s.lru.begin()}).first;
  } else {
    s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
    refill(it->second, p, t);
  }
  Bucket& b = it->second;
  double per_second = static_cast<double>(p.limit) / static_cast<double>(p.window.count());
  RateDecision d;
  d.limit = p.limit;
  d.policy = std::to_string(p.limit) + ";w=" + std::to_string(p.window.count());
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after_seconds = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second)));
  }
  d.remaining = static_cast<int>(std::floor(b.tokens));
  d.reset_seconds = static_cast<int>(std::ceil((p.limit - b.tokens) / per_second));
  return d;
}

void RateLimiter::refund(const RatePolicy& p, std::string_view key) {
  std::string k = bucket_key(p, key);
  Shard& s = shard_for(k);
  std::lock_guard lock(s.mu);
  auto it = s.buckets.find(k);
  if (it != s.buckets.end()) it->second.tokens = std::min<double>(p.limit, it->second.tokens + 1.0);
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

void RateLimiter::clear() {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    s.buckets.clear();
    s.lru.clear();
  }
}

}  // namespace wh::security
