// Display-currency routes (reference §1.15). Orders are always in GHS; these
// rates only let the storefront show converted prices.
#pragma once
#include "core/task.h"
#include "http/message.h"
#include "web/context.h"

namespace wh::currency {

// GET /api/currency/rates: {base:"GHS", rates:{USD:..,...}, timestamp}.
Task<http::Response> rates(web::Context& ctx);
// GET /api/currency/supported: ["GHS","USD","EUR","GBP",...].
Task<http::Response> supported(web::Context& ctx);
// GET /api/currency/convert?amount&from&to (the old route read a GET body;
// the query string the frontend sends now works, a JSON body still does).
Task<http::Response> convert(web::Context& ctx);

}  // namespace wh::currency
