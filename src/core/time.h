// Time formatting shared by logs and responses.
#pragma once
#include <chrono>
#include <string>

namespace wh {

// JavaScript Date.toJSON() form: 2025-12-13T10:00:00.123Z (UTC).
std::string iso_time(std::chrono::system_clock::time_point t);
inline std::string iso_now() { return iso_time(std::chrono::system_clock::now()); }

}  // namespace wh
