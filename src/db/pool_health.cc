// Pool::check_health: one shared, cached probe for liveness endpoints.
#include <exception>

#include "db/db.h"
#include "db/pool.h"
#include "db/pool_core.h"

namespace wh::db {
using Clock = std::chrono::steady_clock;

namespace {

// Clears the probe in flight if its coroutine ends without publishing a
// result (destroyed at shutdown), so that its waiters are not left behind.
class ProbeGuard {
 public:
  ProbeGuard(std::shared_ptr<PoolCore> core, std::shared_ptr<AsyncEvent> probe)
      : core_(std::move(core)), probe_(std::move(probe)) {}
  ProbeGuard(const ProbeGuard&) = delete;
  ProbeGuard& operator=(const ProbeGuard&) = delete;
  ~ProbeGuard() {
    if (!core_) return;
    {
      std::lock_guard lock(core_->mu);
      if (core_->health_probe == probe_) core_->health_probe.reset();
    }
    probe_->abandon();
  }
  void disarm() { core_.reset(); }

 private:
  std::shared_ptr<PoolCore> core_;
  std::shared_ptr<AsyncEvent> probe_;
};

Task<bool> probe(Pool& pool) {
  try {
    Db db(pool, nullptr);
    co_await db.query("SELECT 1");
    co_return true;
  } catch (const std::exception&) {
    co_return false;
  }
}
}  // namespace

Task<HealthCheck> Pool::check_health(std::chrono::milliseconds max_age) {
  std::shared_ptr<PoolCore> core = core_;
  std::shared_ptr<AsyncEvent> in_flight;
  std::shared_ptr<AsyncEvent> mine;
  {
    std::lock_guard lock(core->mu);
    if (core->health_known && Clock::now() - core->health_at < max_age) co_return HealthCheck{core->health_ok, false};
    if (core->health_probe) {
      in_flight = core->health_probe;
    } else {
      mine = std::make_shared<AsyncEvent>(core->ex);
      core->health_probe = mine;
      ++core->counters.health_probes;
    }
  }
  if (in_flight) {
    co_await in_flight->wait();
    std::lock_guard lock(core->mu);
    co_return HealthCheck{core->health_ok, false};
  }
  ProbeGuard guard(core, mine);
  bool ok = co_await probe(*this);
  guard.disarm();
  {
    std::lock_guard lock(core->mu);
    core->health_ok = ok;
    core->health_known = true;
    core->health_at = Clock::now();
    core->health_probe.reset();
  }
  mine->set();
  co_return HealthCheck{ok, true};
}

}  // namespace wh::db
