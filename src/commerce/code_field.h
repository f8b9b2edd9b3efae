// The discount-code field of a request body (cart apply-coupon, the
// discount routes): a string, trimmed, `min` to 50 characters (the column
// is VARCHAR(50)). Errors are recorded in `in` in Joi's words.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "web/body_fields.h"

namespace wh::commerce {

inline constexpr std::size_t kMaxCodeLength = 50;

std::optional<std::string> read_code(web::BodyFields& in, std::string_view field, std::size_t min, bool required);

}  // namespace wh::commerce
