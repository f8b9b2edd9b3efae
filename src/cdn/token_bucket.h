// A token bucket, as Cloudflare meters purge calls per account: it holds at
// most `capacity` tokens (the burst), gains `per_minute` tokens a minute,
// and each call spends one. Time is passed in, so the policy is testable
// without waiting. Not thread-safe: one worker owns it.
#pragma once
#include <algorithm>
#include <chrono>

namespace wh::cdn {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts full at `now`.
  TokenBucket(double capacity, double per_minute, Clock::time_point now)
      : capacity_(std::max(1.0, capacity)),
        per_second_(std::max(per_minute, 1e-9) / 60.0),
        tokens_(capacity_),
        at_(now) {}

  // Whole tokens available at `now`.
  int available(Clock::time_point now) {
    refill(now);
    return static_cast<int>(tokens_);
  }
  // Spends one token when one is available; false otherwise.
  bool take(Clock::time_point now) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  // How long until a token is available (zero when one is).
  std::chrono::milliseconds wait_time(Clock::time_point now) {
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<long long>((1.0 - tokens_) / per_second_ * 1000.0) + 1);
  }
  // Empties the bucket (the remote side said it is empty: a 429).
  void drain(Clock::time_point now) {
    refill(now);
    tokens_ = 0;
  }

 private:
  void refill(Clock::time_point now) {
    if (now <= at_) return;
    std::chrono::duration<double> elapsed = now - at_;
    tokens_ = std::min(capacity_, tokens_ + elapsed.count() * per_second_);
    at_ = now;
  }

  double capacity_;
  double per_second_;
  double tokens_;
  Clock::time_point at_;
};

}  // namespace wh::cdn
