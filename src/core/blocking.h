// A few threads for CPU-heavy work (bcrypt) so that it never stalls the
// event loop. The calling coroutine resumes on its own executor afterwards.
#pragma once
#include <functional>
#include <memory>

#include "core/task.h"

namespace wh {

class BlockingPool {
 public:
  explicit BlockingPool(int threads);
  ~BlockingPool();
  // Runs `fn` on a pool thread; rethrows its exception in the caller.
  Task<void> run(std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wh
