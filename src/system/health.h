// Liveness and readiness: GET /api/health (old shape, with a DB check),
// /healthz (process up), /readyz (database reachable) and /gateway-health
// (the old gateway Worker's keep-alive, no database work).
#pragma once
#include "web/router.h"

namespace wh::system {

void register_routes(web::Router& router);

}  // namespace wh::system
