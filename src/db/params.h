// Statement parameters, always sent as text. A std::nullopt is SQL NULL.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wh::db {

struct Param {
  std::optional<std::string> value;
  Param(std::nullopt_t) {}
  Param(const char* s) : value(s) {}
  Param(std::string s) : value(std::move(s)) {}
  Param(std::string_view s) : value(std::string(s)) {}
  Param(int v) : value(std::to_string(v)) {}
  Param(long v) : value(std::to_string(v)) {}
  Param(long long v) : value(std::to_string(v)) {}
  Param(bool v) : value(v ? "true" : "false") {}
  template <typename T>
  Param(const std::optional<T>& v) {
    if (v) value = Param(*v).value;
  }
};

using Params = std::vector<Param>;

struct Statement {
  std::string_view sql;  // must outlive the call (normally a string literal)
  Params params;
};

}  // namespace wh::db

// Note for callers: build Params in a named variable before `co_await
// db.query(...)`; g++ 12 rejects a braced list inside a co_await expression
// ("array used as initializer").
