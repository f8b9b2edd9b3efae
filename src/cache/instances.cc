#include "cache/instances.h"

namespace wh::cache {

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kMiB = 1024 * 1024;

Policy policy(std::string_view name, std::chrono::milliseconds ttl, std::chrono::milliseconds swr, std::size_t budget) {
  Policy p;
  p.name = std::string(name);
  p.ttl = ttl;
  p.stale_while_revalidate = swr;
  // While the database is down, the last good answer beats an error.
  p.stale_if_error = hours(1);
  p.byte_budget = budget;
  return p;
}

}  // namespace

void register_instances(Registry& registry) {
  registry.add(policy(instance::kProductLists, minutes(5), seconds(30), 64 * kMiB));
  registry.add(policy(instance::kProductDetail, minutes(10), seconds(30), 32 * kMiB));
  registry.add(policy(instance::kCategories, minutes(30), seconds(60), 4 * kMiB));
  registry.add(policy(instance::kBanners, seconds(60), seconds(10), 1 * kMiB));
  registry.add(policy(instance::kSettings, minutes(10), seconds(30), 1 * kMiB));
  registry.add(policy(instance::kCurrency, hours(6), minutes(10), 1 * kMiB));
}

}  // namespace wh::cache
