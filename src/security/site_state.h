// Site-wide switches read on every request without touching the database:
// the blocked-IP set and the maintenance flag. A background task reloads
// them (on database notification and periodically); requests read snapshots.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace wh::security {

class SiteState {
 public:
  bool ip_blocked(const std::string& ip) const {
    std::lock_guard lock(mu_);
    return blocked_->count(ip) > 0;
  }
  void set_blocked(std::unordered_set<std::string> ips) {
    auto next = std::make_shared<const std::unordered_set<std::string>>(std::move(ips));
    std::lock_guard lock(mu_);
    blocked_ = std::move(next);
  }
  bool maintenance() const { return maintenance_.load(); }
  void set_maintenance(bool on) { maintenance_.store(on); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const std::unordered_set<std::string>> blocked_ =
      std::make_shared<const std::unordered_set<std::string>>();
  std::atomic<bool> maintenance_{false};
};

}  // namespace wh::security
