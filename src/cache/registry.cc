#include "cache/registry.h"

#include <stdexcept>

namespace wh::cache {

ByteCache& Registry::add(Policy policy) {
  if (find(policy.name) != nullptr) throw std::invalid_argument("cache instance registered twice: " + policy.name);
  caches_.push_back(std::make_unique<ByteCache>(std::move(policy), clock_));
  return *caches_.back();
}

ByteCache* Registry::find(std::string_view name) const {
  for (const auto& c : caches_) {
    if (c->policy().name == name) return c.get();
  }
  return nullptr;
}

std::size_t Registry::invalidate(std::span<const std::string> tags) {
  std::size_t removed = 0;
  for (const auto& c : caches_) {
    for (const auto& t : tags) removed += c->invalidate_tag(t);
  }
  return removed;
}

std::size_t Registry::invalidate(std::initializer_list<std::string_view> tags) {
  std::size_t removed = 0;
  for (const auto& c : caches_) {
    for (auto t : tags) removed += c->invalidate_tag(t);
  }
  return removed;
}

void Registry::clear() {
  for (const auto& c : caches_) c->clear();
}

}  // namespace wh::cache
