// The cart API of reference §1.6 (10 routes at /api/cart), optional auth:
// a signed-in caller's cart, else the guest cart of X-Session-ID (see
// cart_key.h). Responses keep the old shapes ({cart} inside data) and are
// private (no CachePlan: never cached in-process or at the edge).
#pragma once
#include "web/router.h"

namespace wh::commerce {

void register_cart_routes(web::Router& router);

}  // namespace wh::commerce
