#include "core/time.h"

#include <cstdio>
#include <ctime>

namespace wh {

std::string iso_time(std::chrono::system_clock::time_point t) {
  // Floor to whole seconds so that times before 1970 keep a positive fraction.
  auto whole = std::chrono::floor<std::chrono::seconds>(t);
  auto secs = std::chrono::system_clock::to_time_t(whole);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - whole).count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace wh
