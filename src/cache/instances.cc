#include "cache/instances.h"

#include <cctype>
#include <stdexcept>

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

// Applies the overrides named CACHE_<NAME>_... to `p`, erasing them from
// `left`.
void apply_overrides(Policy& p, std::map<std::string, long long>& left) {
  std::string prefix = "CACHE_";
  for (char ch : p.name) prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto take = [&](const char* suffix, auto apply) {
    auto it = left.find(prefix + suffix);
    if (it == left.end()) return;
    apply(it->second);
    left.erase(it);
  };
  using ms = std::chrono::milliseconds;
  take("_TTL_MS", [&](long long v) { p.ttl = ms(v); });
  take("_SWR_MS", [&](long long v) { p.stale_while_revalidate = ms(v); });
  take("_SIE_MS", [&](long long v) { p.stale_if_error = ms(v); });
  take("_BYTES", [&](long long v) { p.byte_budget = static_cast<std::size_t>(v); });
}

}  // namespace

void register_instances(Registry& registry, const Config& config) {
  // Lists: a checkout's stock change invalidates only the product's own
  // entries (migration 0010), so list stock may lag by TTL + SWR <= 60 s.
  std::vector<Policy> all{policy(instance::kProductLists, seconds(45), seconds(15), 256 * kMiB),
                          policy(instance::kProductDetail, minutes(10), seconds(30), 64 * kMiB),
                          policy(instance::kCategories, minutes(30), seconds(60), 4 * kMiB),
                          policy(instance::kBanners, seconds(60), seconds(10), 1 * kMiB),
                          policy(instance::kSettings, minutes(10), seconds(30), 1 * kMiB),
                          policy(instance::kCurrency, hours(6), minutes(10), 1 * kMiB),
                          // Reviews change by approval, edit, deletion or a
                          // helpful vote, each invalidating its product's tag.
                          policy(instance::kReviews, minutes(10), seconds(30), 32 * kMiB),
                          // Admin aggregates (admin/dashboard.h): fresh by
                          // the tags of migration 0019; what depends on the
                          // date is keyed by the quarter hour, so the TTL is
                          // a safety net that also ages out past quarters.
                          policy(instance::kAnalytics, minutes(15), seconds(30), 8 * kMiB)};
  auto left = config.cache_overrides;
  for (auto& p : all) {
    apply_overrides(p, left);
    registry.add(std::move(p));
  }
  if (!left.empty()) throw std::runtime_error("unknown cache setting: " + left.begin()->first);
}

}  // namespace wh::cache
