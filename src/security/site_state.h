// Site-wide switches read on every request without touching the database:
// the block list and the maintenance flag. A background task reloads them
// (on database notification and periodically); requests read snapshots.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "security/client_ip.h"

namespace wh::security {

// The `blocked_ips` table as requests test it. Each entry is a single
// address (any spelling: "2001:DB8:0::66", "::ffff:203.0.113.9") or a CIDR
// range, IPv4 or IPv6 ("203.0.113.0/24", "2001:db8:bad::/48"). Entries that
// are neither are ignored (and counted) rather than blocking everyone or
// no one.
class BlockList {
 public:
  BlockList() = default;
  explicit BlockList(const std::unordered_set<std::string>& entries);
  // `ip` is a normalised client address (as resolve_client_ip returns).
  bool contains(const std::string& ip) const { return exact_.count(ip) > 0 || ranges_.contains(ip); }
  std::size_t ignored() const { return ignored_; }

 private:
  std::unordered_set<std::string> exact_;  // normalised single addresses: one hash lookup
  IpRanges ranges_;                        // CIDR entries: few, scanned
  std::size_t ignored_ = 0;
};

// Reads the maintenance flag as stored: on when either spelling of the key
// ('maintenanceMode', 'maintenance_mode') is 'true'. One boolean, never NULL.
inline constexpr const char* kMaintenanceFlagSql =
    "SELECT COALESCE(bool_or(value = 'true'), false) FROM system_settings"
    " WHERE key IN ('maintenanceMode', 'maintenance_mode')";

class SiteState {
 public:
  bool ip_blocked(const std::string& ip) const {
    std::shared_ptr<const BlockList> snapshot;
    {
      std::lock_guard lock(mu_);
      snapshot = blocked_;
    }
    return snapshot->contains(ip);
  }
  // Replaces the block list with `entries` as stored in `blocked_ips`.
  void set_blocked(const std::unordered_set<std::string>& entries) {
    auto next = std::make_shared<const BlockList>(entries);
    std::lock_guard lock(mu_);
    blocked_ = std::move(next);
  }
  bool maintenance() const { return maintenance_.load(); }
  void set_maintenance(bool on) { maintenance_.store(on); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const BlockList> blocked_ = std::make_shared<const BlockList>();
  std::atomic<bool> maintenance_{false};
};

}  // namespace wh::security
