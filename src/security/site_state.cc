#include "security/site_state.h"

#include <stdexcept>

namespace wh::security {

BlockList::BlockList(const std::unordered_set<std::string>& entries) {
  for (const auto& entry : entries) {
    if (entry.find('/') == std::string::npos) {
      if (auto ip = normalize_ip(entry)) {
        exact_.insert(std::move(*ip));
        continue;
      }
    } else {
      try {
        ranges_.add(IpRanges::parse(entry));
        continue;
      } catch (const std::invalid_argument&) {
      }
    }
    ++ignored_;
  }
}

}  // namespace wh::security
