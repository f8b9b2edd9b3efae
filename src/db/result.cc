#include "db/result.h"

#include <charconv>
#include <cstdlib>

namespace wh::db {

long Result::affected() const {
  if (!res_) return 0;
  const char* s = PQcmdTuples(res_.get());
  return (s == nullptr || *s == '\0') ? 0 : std::strtol(s, nullptr, 10);
}

std::int64_t Result::get_int(int row, int col) const {
  auto v = get(row, col);
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) throw DbError("not an integer column value", "", false);
  return out;
}

int Result::col(const char* name) const { return res_ ? PQfnumber(res_.get(), name) : -1; }

}  // namespace wh::db
