#include "core/money.h"

#include <cctype>
#include <cstdlib>

namespace wh {

std::optional<Pesewas> parse_cedis(std::string_view v) {
  std::size_t i = 0;
  Pesewas whole = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) whole = whole * 10 + (v[i++] - '0');
  if (i == 0 || i > 8) return std::nullopt;
  Pesewas fraction = 0;
  if (i < v.size() && v[i] == '.') {
    std::size_t start = ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) fraction = fraction * 10 + (v[i++] - '0');
    std::size_t digits = i - start;
    if (digits < 1 || digits > 2) return std::nullopt;
    if (digits == 1) fraction *= 10;
  }
  if (i != v.size()) return std::nullopt;
  return whole * 100 + fraction;
}

std::string cedis_text(Pesewas amount) {
  std::string sign = amount < 0 ? "-" : "";
  Pesewas a = std::llabs(amount);
  std::string cents = std::to_string(a % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return sign + std::to_string(a / 100) + "." + cents;
}

Pesewas scale_rounded(Pesewas amount, std::int64_t numerator, std::int64_t denominator) {
  // numeric(10,2) amounts (< 10^10 pesewas) times rates of a few digits stay
  // far inside 64 bits.
  std::int64_t product = amount * numerator;
  std::int64_t half = denominator / 2;
  return product >= 0 ? (product + half) / denominator : (product - half) / denominator;
}

}  // namespace wh
