// Strict parsing of query-string parameters. Each parser adds a
// field message to `errors` on bad input instead of guessing, so clients get
// a 400 listing every bad parameter. Each parser also records the value it
// returned in one canonical spelling (omitted when it is the default), so
// canonical() is the query as the handler understood it: the key of a cached
// response (see web::CachePlan).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace wh::web {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
inline constexpr int kMaxPage = 100000;

class QueryReader {
 public:
  explicit QueryReader(const http::Request& req) : req_(req) {}

  enum class Case { kKeep, kLower };

  // Positive integer in [1, max]; `fallback` when absent or empty.
  int integer(std::string_view name, int fallback, int max);
  // Non-negative decimal with at most two fraction digits (GHS), as text
  // suitable for a numeric parameter, normalised to two decimals ("150.00");
  // nullopt when absent or empty.
  std::optional<std::string> money(std::string_view name);
  // "true"/"false"; nullopt when absent or empty.
  std::optional<bool> boolean(std::string_view name);
  bool boolean(std::string_view name, bool fallback) { return boolean_or(name, fallback); }
  // One of `allowed` (compared ignoring ASCII case); `fallback` when absent
  // or empty.
  std::string choice(std::string_view name, const std::vector<std::string_view>& allowed, std::string_view fallback);
  // Trimmed text of at most `max_len` characters, ASCII-lower-cased with
  // Case::kLower (for values compared case-insensitively); nullopt when
  // absent/empty.
  std::optional<std::string> text(std::string_view name, std::size_t max_len, Case letter_case = Case::kKeep);

  // The parameters read so far, canonically spelt, in the order read.
  const http::HeaderList& canonical() const { return canonical_; }

  // Throws the 400 ValidationError when any parameter was bad.
  void finish() const { errors_.throw_if_any(); }

 private:
  std::optional<std::string_view> single(std::string_view name);
  bool boolean_or(std::string_view name, bool fallback);
  void record(std::string_view name, std::string value) {
    canonical_.emplace_back(std::string(name), std::move(value));
  }
  const http::Request& req_;
  ValidationErrors errors_;
  http::HeaderList canonical_;
};

// digits[.digits{1,2}] with at most 8 integer digits: a non-negative
// numeric(10,2) amount.
bool money_text(std::string_view text);

// Valid UTF-8 without NUL. PostgreSQL rejects anything else in text
// parameters: checking first makes it a 400, not a database error.
bool valid_utf8(std::string_view text);

// ILIKE pattern matching `text` anywhere, with %, _ and \ escaped.
std::string contains_pattern(std::string_view text);

// Ids are app-generated cuids (VARCHAR(30)); anything else cannot exist.
bool plausible_id(std::string_view id);
}  // namespace wh::web
