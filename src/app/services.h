// Long-lived, process-wide objects the handlers need. Built once in main
// (or a test fixture) and passed by reference: no global singletons.
#pragma once
#include <chrono>

#include "core/config.h"

namespace wh::db {
class Pool;
}

namespace wh::app {

struct Services {
  Config config;
  db::Pool* pool = nullptr;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace wh::app
