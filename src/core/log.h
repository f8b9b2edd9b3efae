// Structured logging: one JSON object per line on stdout. In the server
// (init(true)) lines are written in batches by one writer thread, so
// request threads never block on the terminal nor wake a thread per line
// (log.cc); commands and in-process test servers write each line at once.
//
// The most recent lines are also kept in memory (core/log_ring.h), bounded:
// the last kRecentBytes of every line and, apart, the last
// kRecentWarnBytes of warnings and errors, so a burst of access lines does
// not push the errors out. recent() reads them (GET
// /api/super-admin/logs); they are filled whether or not stdout keeps up.
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wh::log {

void init(bool async);
// Writes {"ts":..,"level":..,"msg":..,<fields>} as one line.
void info(std::string_view msg, boost::json::object fields = {});
void warn(std::string_view msg, boost::json::object fields = {});
void error(std::string_view msg, boost::json::object fields = {});
void flush();

// One line built field by field straight into its text, without a JSON
// object: the access log's line per request. The same shape as info():
// ts, level, msg, then the fields in the order added. Keys must be plain
// identifiers (written as given); string values are escaped; numbers are
// written in their shortest form (0.001, not 1E-3).
enum class Level { info, warn, error };
class Line {
 public:
  Line(Level level, std::string_view msg);
  Line& str(std::string_view key, std::string_view value);
  Line& num(std::string_view key, long long value);
  Line& num(std::string_view key, double value);
  void write();

 private:
  Line& key(std::string_view k);
  Level level_;
  std::string text_;
};

inline constexpr std::size_t kRecentBytes = 256 * 1024;
inline constexpr std::size_t kRecentWarnBytes = 64 * 1024;

enum class Recent { all, warnings };
// The newest `max_lines` lines logged by this process (of all lines, or of
// warn and error ones only), oldest first, as written (JSON text, no '\n').
std::vector<std::string> recent(Recent which, std::size_t max_lines);

}  // namespace wh::log
