// Long-lived, process-wide objects the handlers need. Built once by the
// composition root (or a test fixture) and passed by reference: no global
// singletons. The web layer knows only the configuration, the pool and the
// start time; each module's own state (auth caches, limiters, ...) is
// provided by the composition root and found by type with `get<T>()`.
#pragma once
#include <chrono>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "core/config.h"

namespace wh::db {
class Pool;
}

namespace wh::web {

class Services {
 public:
  explicit Services(Config c) : config(std::move(c)) {}
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  Config config;
  db::Pool* pool = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Makes `object` (owned elsewhere, outliving this) findable by type.
  template <typename T>
  void provide(T& object) {
    for (auto& [type, ptr] : registry_) {
      if (*type == typeid(T)) {
        ptr = &object;
        return;
      }
    }
    registry_.emplace_back(&typeid(T), &object);
  }
  // The object provided for T. A missing one is a wiring bug of the
  // composition root: std::logic_error.
  template <typename T>
  T& get() const {
    for (const auto& [type, ptr] : registry_) {
      if (*type == typeid(T)) return *static_cast<T*>(ptr);
    }
    throw std::logic_error(std::string("service not provided: ") + typeid(T).name());
  }

 private:
  std::vector<std::pair<const std::type_info*, void*>> registry_;
};

}  // namespace wh::web
