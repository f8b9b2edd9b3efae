#include "db/result.h"

#include <charconv>
#include <cstdlib>

namespace wh::db {

std::string DbError::without_row_details(std::string_view message) {
  // libpq writes the primary message first and each further field on a line
  // of its own ("DETAIL:  ..."); a field's text may span lines, so everything
  // from the first such line on goes.
  static constexpr std::string_view kFields[] = {"DETAIL:", "HINT:", "CONTEXT:", "QUERY:", "LINE "};
  std::size_t cut = message.size();
  for (std::size_t pos = 0; pos < message.size();) {
    auto nl = message.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view next = message.substr(nl + 1);
    bool field = false;
    for (auto f : kFields) field = field || next.substr(0, f.size()) == f;
    if (field) {
      cut = nl;
      break;
    }
    pos = nl + 1;
  }
  std::string out(message.substr(0, cut));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

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
