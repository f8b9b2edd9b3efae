// Which cached entries leave when a byte budget is full: the eviction policy
// of one ByteCache shard, kept apart so that bench/eviction can replay a trace
// through each policy (see docs/caching-eviction.md for the comparison).
//
// Contract (every policy):
// - A policy tracks keys with byte charges; bytes() is the sum of the charges
//   of the keys it holds, and no key is held twice.
// - insert(key, charge) records a newly stored entry (`key` must not be held);
//   touch(key) records a hit; erase(key) drops a key for any reason other than
//   the budget (invalidation, expiry, replacement). touch and erase ignore
//   keys that are not held; clear() erases every key.
// - evict() removes the key the policy chooses and returns it (nullopt when
//   nothing is held); make_room(incoming) evicts until bytes() + incoming
//   fits the budget and returns the evicted keys in order. The caller removes
//   them from its own storage.
// - Not thread-safe: the owner (a ByteCache shard) holds its lock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace wh::cache {

namespace detail {

// A key's place in one of a policy's queues. The queues are intrusive, so
// moving a key between them allocates nothing.
struct Node {
  const std::string* key = nullptr;  // the key of the map entry holding this node
  std::size_t charge = 0;
  Node* prev = nullptr;
  Node* next = nullptr;
  std::uint8_t freq = 0;  // S3-FIFO: hits since insertion or the last pass, capped at 3
  bool in_main = false;   // S3-FIFO: which queue holds the node
};

// A doubly linked queue of nodes (front = newest) with the sum of their charges.
class Queue {
 public:
  Queue() { reset(); }
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  void push_front(Node* n);
  void unlink(Node* n);
  Node* back() const { return empty() ? nullptr : head_.prev; }
  bool empty() const { return head_.next == &head_; }
  std::size_t bytes() const { return bytes_; }
  void reset();

 private:
  Node head_;  // sentinel: head_.next is the front, head_.prev the back
  std::size_t bytes_ = 0;
};

// Recently evicted keys, remembered by 64-bit hash with their charges (no
// data), oldest forgotten first once their charges exceed `budget`. Costs
// about 50 bytes per remembered key, outside the cache's budget.
class Ghost {
 public:
  explicit Ghost(std::size_t budget) : budget_(budget) {}
  void add(std::uint64_t hash, std::size_t charge);
  bool take(std::uint64_t hash);  // true (and forgets it) when remembered
  void clear();
  std::size_t size() const { return live_.size(); }

 private:
  struct Remembered {
    std::uint64_t hash;
    std::size_t charge;
    std::uint64_t seq;
  };
  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 0;
  std::deque<Remembered> fifo_;
  std::unordered_map<std::uint64_t, std::uint64_t> live_;  // hash -> seq of its newest entry
};

}  // namespace detail

class EvictionPolicy {
 public:
  explicit EvictionPolicy(std::size_t budget) : budget_(budget) {}
  virtual ~EvictionPolicy() = default;
  EvictionPolicy(const EvictionPolicy&) = delete;
  EvictionPolicy& operator=(const EvictionPolicy&) = delete;

  virtual void insert(const std::string& key, std::size_t charge) = 0;
  virtual void touch(const std::string& key) = 0;
  virtual void erase(const std::string& key) = 0;
  virtual std::optional<std::string> evict() = 0;
  virtual void clear() = 0;

  std::vector<std::string> make_room(std::size_t incoming);
  bool contains(const std::string& key) const { return nodes_.count(key) != 0; }
  std::size_t size() const { return nodes_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t budget() const { return budget_; }

 protected:
  detail::Node& add(const std::string& key, std::size_t charge);  // key must not be held
  detail::Node* find(const std::string& key);
  const detail::Node* find(const std::string& key) const;
  std::string drop(detail::Node* n);  // forgets an unlinked node; returns its key
  void drop_all();

 private:
  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, detail::Node> nodes_;
};

// Least recently used: one queue, a hit moves the key to the front, the back
// leaves first.
class Lru final : public EvictionPolicy {
 public:
  explicit Lru(std::size_t budget) : EvictionPolicy(budget) {}
  void insert(const std::string& key, std::size_t charge) override;
  void touch(const std::string& key) override;
  void erase(const std::string& key) override;
  std::optional<std::string> evict() override;
  void clear() override;

 private:
  detail::Queue queue_;
};

struct S3FifoOptions {
  double small_ratio = 0.10;    // share of the budget the small queue aims at
  std::uint8_t promote_at = 1;  // hits while in the small queue that earn the main queue
  // An erased key that was in the main queue is remembered in the ghost, so a
  // hot entry that is invalidated or refreshed comes back straight to main.
  bool remember_erased = true;
};

// S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction",
// SOSP'23), by bytes:
// - a new key enters the small FIFO, or the main FIFO when the ghost
//   remembers it; a hit only bumps the key's counter (0..3), nothing moves;
// - while the small queue holds at least small_ratio of the budget (or main
//   is empty) it gives the victim: its oldest key moves to main if it earned
//   `promote_at` hits there, else it is evicted and remembered in the ghost,
//   so one-hit wonders leave from the small queue without touching main;
// - otherwise main's oldest key is evicted if its counter is 0, else it is
//   reinserted at the front with the counter decremented;
// - the ghost remembers as many bytes of keys as the main queue's share.
class S3Fifo final : public EvictionPolicy {
 public:
  explicit S3Fifo(std::size_t budget, S3FifoOptions options = {});
  void insert(const std::string& key, std::size_t charge) override;
  void touch(const std::string& key) override;
  void erase(const std::string& key) override;
  std::optional<std::string> evict() override;
  void clear() override;

  // For tests and the bench: where a key is.
  bool in_main(const std::string& key) const;
  std::size_t small_bytes() const { return small_.bytes(); }
  std::size_t main_bytes() const { return main_.bytes(); }
  std::size_t ghost_size() const { return ghost_.size(); }

 private:
  S3FifoOptions options_;
  std::size_t small_target_;
  detail::Queue small_;
  detail::Queue main_;
  detail::Ghost ghost_;
};

}  // namespace wh::cache
