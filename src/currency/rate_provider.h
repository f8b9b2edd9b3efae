// What an exchange-rate provider answers, checked before anything is
// stored. The shape is open.er-api.com's (the old backend's provider):
// {"result":"success","base_code":"GHS","rates":{"USD":0.0912,...}};
// exchangerate-api.com's "conversion_rates" is accepted for "rates", and
// "success":true for "result".
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wh::currency {

// The display currencies besides GHS (the base), in display order. A
// provider answer without all of them is refused.
inline constexpr std::array<std::string_view, 3> kSupported{"USD", "EUR", "GBP"};

// Units of a currency per 1 GHS, as decimal text with 6 places (the
// column's scale), sorted by code.
using RateList = std::vector<std::pair<std::string, std::string>>;

// The usable rates of a provider's answer: codes of three capital letters
// whose rate is a number in [0.000001, 10000) (what DECIMAL(10,6) holds);
// others are skipped. nullopt, with the reason in `why`, when the answer is
// not JSON, reports failure, is for another base than GHS, or lacks a
// usable rate for a supported currency.
std::optional<RateList> parse_provider_rates(std::string_view body, std::string& why);

}  // namespace wh::currency
