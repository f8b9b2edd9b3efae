// The variables of a queued e-mail (email_logs.template_data.variables, a
// JSON object) as template data: strings and numbers as text, booleans as
// booleans, null as false (so {{#x}} sections hide), objects and arrays as
// such. Money fields (names in is_money_field) are cedis, given as a JSON
// number or a decimal string like the API writes them, and are shown as
// "GH₵ 1,234.50"; an optional charge (discount, shipping, tax) of zero is
// false, so its line is left out.
#pragma once
#include <boost/json/object.hpp>
#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"

namespace wh::mail {

// "GH₵ 1,234.50", "-GH₵ 0.05".
std::string format_ghs(Pesewas amount);

// Whether a variable of this name holds an amount of money.
bool is_money_field(std::string_view name);

// A JSON number or decimal string as pesewas (rounded half away from zero);
// nullopt for anything else.
std::optional<Pesewas> money_value(const boost::json::value& v);

kainjow::mustache::data template_data(const boost::json::object& variables);

}  // namespace wh::mail
