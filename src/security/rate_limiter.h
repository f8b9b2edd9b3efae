// Token-bucket rate limiting at the origin, keyed by client IP, user id or
// e-mail. A key that is an IP address counts for its client network (see
// client_network: IPv6 clients by their /64 by default), so every caller
// that passes a client address gets the same policy. Memory is bounded: each
// shard keeps at most a fixed number of buckets and forgets the least
// recently used one (taken from or created last) when full; a forgotten key
// simply starts with a full bucket again.
#pragma once
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wh::security {

struct RatePolicy {
  std::string name;  // e.g. "login"; part of the bucket key
  int limit;         // requests per window (the bucket's capacity)
  std::chrono::seconds window;
};

struct RateDecision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  int reset_seconds = 0;        // until the bucket is full again
  int retry_after_seconds = 0;  // when !allowed: until one token is back
  std::string policy;           // "limit;w=window"
};

class RateLimiter {
 public:
  // `max_keys`: buckets kept in all (spread over 16 shards). `ipv6_prefix`:
  // the bits of an IPv6 client address that name one client (RATE_LIMIT_IPV6_PREFIX).
  explicit RateLimiter(std::size_t max_keys = 200000, int ipv6_prefix = 64);

  // Takes one token from the bucket of (policy, key).
  RateDecision take(const RatePolicy& policy, std::string_view key);
  // Gives one token back (requests the policy does not count, e.g. a
  // successful login).
  void refund(const RatePolicy& policy, std::string_view key);
  std::size_t size() const;
  void clear();

  // Test hook: the clock used for refills.
  using Clock = std::chrono::steady_clock;
  void set_clock_offset(std::chrono::seconds offset) { offset_ = offset; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
    std::list<std::string>::iterator lru;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    std::list<std::string> lru;  // front = most recent
  };
  Shard& shard_for(const std::string& key);
  std::string bucket_key(const RatePolicy& policy, std::string_view key) const;
  Clock::time_point now() const { return Clock::now() + offset_; }
  static void refill(Bucket& b, const RatePolicy& p, Clock::time_point t);

  std::vector<Shard> shards_;
  std::size_t max_per_shard_;
  int ipv6_prefix_;
  std::chrono::seconds offset_{0};
};

}  // namespace wh::security
