#include "commerce/code_field.h"

#include <algorithm>

namespace wh::commerce {

namespace {
std::string quoted(std::string_view field) { return "\"" + std::string(field) + "\""; }
}  // namespace

std::optional<std::string> read_code(web::BodyFields& in, std::string_view field, std::size_t min, bool required) {
  auto code = in.text(field, kMaxCodeLength + 10, required);
  if (!code) return std::nullopt;
  auto first = code->find_first_not_of(" \t\r\n");
  auto last = code->find_last_not_of(" \t\r\n");
  std::string trimmed = first == std::string::npos ? "" : code->substr(first, last - first + 1);
  std::size_t n = web::char_count(trimmed);
  if (n < min || n == 0) {
    in.add(field, quoted(field) + " length must be at least " + std::to_string(std::max<std::size_t>(min, 1)) +
                      " characters long");
    return std::nullopt;
  }
  if (n > kMaxCodeLength) {
    in.add(field, quoted(field) + " length must be less than or equal to " + std::to_string(kMaxCodeLength) +
                      " characters long");
    return std::nullopt;
  }
  return trimmed;
}

}  // namespace wh::commerce
