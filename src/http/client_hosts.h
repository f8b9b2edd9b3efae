// The outbound client's connections, per scheme+host+port key: at most
// `cap` per key (in use, being opened or idle). A request beyond the cap
// waits, in arrival order, until a connection or a slot is released or its
// deadline passes. Idle keep-alive connections are handed to the next
// request for their key unless they have been idle longer than `idle_keep`
// or the peer closed them. Internal to src/http (client.cc).
#pragma once
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/client_conn.h"

namespace wh::http::outbound {

class HostTable;

// One request's slot. `conn` is an idle connection handed over (reused), or
// null: then the holder opens one in this slot. At scope exit the slot is
// released: the connection is kept for reuse after keep(), else closed.
class HostLease {
 public:
  HostLease(std::shared_ptr<HostTable> table, std::string key, std::unique_ptr<Conn> conn);
  HostLease(HostLease&&) noexcept = default;
  HostLease& operator=(HostLease&&) = delete;
  ~HostLease();

  std::unique_ptr<Conn> conn;
  void keep() { keep_ = true; }

 private:
  std::shared_ptr<HostTable> table_;
  std::string key_;
  bool keep_ = false;
};

class HostTable {
 public:
  HostTable(int cap, std::chrono::milliseconds idle_keep) : cap_(cap), idle_keep_(idle_keep) {}

  // Waits for a slot for `key` until `deadline` (then OutboundError
  // timeout). `self` is this table, kept alive by the lease.
  static Task<HostLease> acquire(std::shared_ptr<HostTable> self, std::string key, Clock::time_point deadline);
  // Gives a slot back: `conn` (kept for reuse) or null (the slot is free).
  void release(const std::string& key, std::unique_ptr<Conn> conn);
  // Closes idle connections and fails the waiters (the client is going away).
  void close();

  std::atomic<std::uint64_t> queued{0};
  std::atomic<std::uint64_t> reused{0};

 private:
  struct Waiter;
  struct Host {
    int open = 0;  // slots taken: connections in use, being opened or idle
    std::vector<std::unique_ptr<Conn>> idle;
    std::deque<std::shared_ptr<Waiter>> waiters;
  };
  // Takes a usable idle connection of `h` (closing stale ones into `dead`).
  std::unique_ptr<Conn> take_idle(Host& h, std::vector<std::unique_ptr<Conn>>& dead);
  void expire(const std::string& key, const std::shared_ptr<Waiter>& w);
  void forget_if_unused(const std::string& key);

  const int cap_;
  const std::chrono::milliseconds idle_keep_;
  std::mutex mu_;
  bool closed_ = false;
  std::map<std::string, Host> hosts_;
};

}  // namespace wh::http::outbound
