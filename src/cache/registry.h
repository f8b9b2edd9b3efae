// The named cache instances of one process, registered in one place
// (cache/instances.cc) and found by name. Writes invalidate through here, so
// a tag reaches every instance that may hold it.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/byte_cache.h"

namespace wh::cache {

class Registry {
 public:
  explicit Registry(ClockFn clock = &Clock::now) : clock_(std::move(clock)) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Creates an instance. Names are unique (std::invalid_argument otherwise).
  ByteCache& add(Policy policy);
  // The instance called `name`, or nullptr.
  ByteCache* find(std::string_view name) const;
  const std::vector<std::unique_ptr<ByteCache>>& instances() const { return caches_; }

  // Removes every entry carrying any of `tags`, in every instance; returns
  // how many. Call before answering a write (read-your-writes).
  std::size_t invalidate(std::span<const std::string> tags);
  std::size_t invalidate(std::initializer_list<std::string_view> tags);
  // Empties every instance (the change listener reconnected: notifications
  // may have been missed).
  void clear();

 private:
  ClockFn clock_;
  std::vector<std::unique_ptr<ByteCache>> caches_;
};

}  // namespace wh::cache
