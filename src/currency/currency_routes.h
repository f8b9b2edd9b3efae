// Display-currency routes (reference §1.15). Orders are always in GHS; these
// rates only let the storefront show converted prices.
#pragma once
#include "app/context.h"
#include "core/task.h"
#include "http/message.h"

namespace wh::currency {

// GET /api/currency/rates: {base:"GHS", rates:{USD:..,...}, timestamp}.
Task<http::Response> rates(app::Context& ctx);
// GET /api/currency/supported: ["GHS","USD","EUR","GBP",...].
Task<http::Response> supported(app::Context& ctx);
// GET /api/currency/convert?amount&from&to (the old route read a GET body;
// the query string the frontend sends now works, a JSON body still does).
Task<http::Response> convert(app::Context& ctx);

}  // namespace wh::currency
