#include "cache/eviction.h"

#include <algorithm>
#include <cassert>
#include <functional>

namespace wh::cache {

namespace detail {

void Queue::push_front(Node* n) {
  n->prev = &head_;
  n->next = head_.next;
  head_.next->prev = n;
  head_.next = n;
  bytes_ += n->charge;
}

void Queue::unlink(Node* n) {
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = nullptr;
  bytes_ -= n->charge;
}

void Queue::reset() {
  head_.prev = head_.next = &head_;
  bytes_ = 0;
}

void Ghost::add(std::uint64_t hash, std::size_t charge) {
  const std::uint64_t seq = next_seq_++;
  fifo_.push_back(Remembered{hash, charge, seq});
  live_[hash] = seq;
  bytes_ += charge;
  while (bytes_ > budget_ && !fifo_.empty()) {
    const Remembered old = fifo_.front();
    fifo_.pop_front();
    bytes_ -= old.charge;
    // A key remembered again later has a newer entry: keep it.
    if (auto it = live_.find(old.hash); it != live_.end() && it->second == old.seq) live_.erase(it);
  }
}

bool Ghost::take(std::uint64_t hash) { return live_.erase(hash) != 0; }

void Ghost::clear() {
  fifo_.clear();
  live_.clear();
  bytes_ = 0;
}

}  // namespace detail

using detail::Node;

std::vector<std::string> EvictionPolicy::make_room(std::size_t incoming) {
  std::vector<std::string> evicted;
  while (bytes_ + incoming > budget_) {
    auto key = evict();
    if (!key) break;
    evicted.push_back(std::move(*key));
  }
  return evicted;
}

Node& EvictionPolicy::add(const std::string& key, std::size_t charge) {
  auto [it, inserted] = nodes_.try_emplace(key);
  assert(inserted && "insert of a key already held");
  (void)inserted;
  Node& n = it->second;
  n.key = &it->first;
  n.charge = charge;
  bytes_ += charge;
  return n;
}

Node* EvictionPolicy::find(const std::string& key) {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node* EvictionPolicy::find(const std::string& key) const {
  auto it = nodes_.find(key);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::string EvictionPolicy::drop(Node* n) {
  bytes_ -= n->charge;
  auto handle = nodes_.extract(*n->key);
  return std::move(handle.key());
}

void EvictionPolicy::drop_all() {
  nodes_.clear();
  bytes_ = 0;
}

// --- LRU ---

void Lru::insert(const std::string& key, std::size_t charge) { queue_.push_front(&add(key, charge)); }

void Lru::touch(const std::string& key) {
  if (Node* n = find(key)) {
    queue_.unlink(n);
    queue_.push_front(n);
  }
}

void Lru::erase(const std::string& key) {
  if (Node* n = find(key)) {
    queue_.unlink(n);
    drop(n);
  }
}

std::optional<std::string> Lru::evict() {
  Node* n = queue_.back();
  if (n == nullptr) return std::nullopt;
  queue_.unlink(n);
  return drop(n);
}

void Lru::clear() {
  queue_.reset();
  drop_all();
}

// --- S3-FIFO ---

namespace {

constexpr std::uint8_t kMaxFreq = 3;

std::uint64_t hash_of(const std::string& key) { return std::hash<std::string>{}(key); }

}  // namespace

S3Fifo::S3Fifo(std::size_t budget, S3FifoOptions options)
    : EvictionPolicy(budget),
      options_(options),
      small_target_(static_cast<std::size_t>(static_cast<double>(budget) * options.small_ratio)),
      ghost_(budget - small_target_) {}

void S3Fifo::insert(const std::string& key, std::size_t charge) {
  Node& n = add(key, charge);
  n.in_main = ghost_.take(hash_of(key));
  (n.in_main ? main_ : small_).push_front(&n);
}

void S3Fifo::touch(const std::string& key) {
  if (Node* n = find(key)) n->freq = static_cast<std::uint8_t>(std::min<int>(n->freq + 1, kMaxFreq));
}

void S3Fifo::erase(const std::string& key) {
  Node* n = find(key);
  if (n == nullptr) return;
  (n->in_main ? main_ : small_).unlink(n);
  if (n->in_main && options_.remember_erased) ghost_.add(hash_of(key), n->charge);
  drop(n);
}

std::optional<std::string> S3Fifo::evict() {
  for (;;) {
    if (!small_.empty() && (small_.bytes() >= small_target_ || main_.empty())) {
      Node* n = small_.back();
      small_.unlink(n);
      if (n->freq >= options_.promote_at) {
        n->freq = 0;
        n->in_main = true;
        main_.push_front(n);
        continue;
      }
      ghost_.add(hash_of(*n->key), n->charge);
      return drop(n);
    }
    Node* n = main_.back();
    if (n == nullptr) return std::nullopt;
    main_.unlink(n);
    if (n->freq > 0) {
      --n->freq;
      main_.push_front(n);
      continue;
    }
    return drop(n);
  }
}

void S3Fifo::clear() {
  while (Node* n = main_.back()) {
    main_.unlink(n);
    if (options_.remember_erased) ghost_.add(hash_of(*n->key), n->charge);
  }
  small_.reset();
  drop_all();
}

bool S3Fifo::in_main(const std::string& key) const {
  const Node* n = find(key);
  return n != nullptr && n->in_main;
}

}  // namespace wh::cache
