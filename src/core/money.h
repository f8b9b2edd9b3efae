// Amounts of Ghana cedis as whole pesewas (1 GHS = 100 pesewas), so sums and
// percentages are exact. The database stores them as numeric(10,2) and the
// API writes them as JSON numbers with two decimals.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wh {

using Pesewas = std::int64_t;

// "150", "99.5", "99.50": digits, optionally a point and one or two digits,
// at most 8 integer digits (numeric(10,2)). Anything else (signs, exponents,
// spaces, a third decimal) is nullopt.
std::optional<Pesewas> parse_cedis(std::string_view text);

// 1234 -> "12.34", -5 -> "-0.05": valid as SQL numeric text and as a JSON
// number.
std::string cedis_text(Pesewas amount);

// amount * numerator / denominator, rounded half away from zero.
Pesewas scale_rounded(Pesewas amount, std::int64_t numerator, std::int64_t denominator);

}  // namespace wh
